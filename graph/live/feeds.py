"""Running a domain feed as a GraphQL subscription: fresh loaders per item, errors mapped."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import TypeVar

from graphql import GraphQLError
from strawberry.types import Info

from domain.errors import FeedClosed, FeedLagged, NotFound
from graph.context import GraphQLContext
from graph.operation import refresh_loaders

Item = TypeVar("Item")
Shown = TypeVar("Shown")


async def live_feed(
    info: Info[GraphQLContext, None],
    items: AsyncGenerator[Item, None],
    show: Callable[[Item], Shown],
) -> AsyncGenerator[Shown, None]:
    live = info.context.live
    if live is not None:
        live.open_feeds += 1
    try:
        async with aclosing(items):
            async for item in items:
                # A feed lives long: each item is resolved with loaders that cache nothing old.
                refresh_loaders(info.context.services)
                yield show(item)
    except FeedLagged as error:
        raise GraphQLError(error.message, extensions={"code": error.code.value}) from None
    except NotFound as error:
        raise GraphQLError(error.message, extensions={"code": "NOT_FOUND"}) from None
    except FeedClosed:
        return  # the server is stopping: the socket closes right after
    finally:
        if live is not None:
            live.open_feeds -= 1

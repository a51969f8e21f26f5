"""Live feeds of tools: status and health changes, and container output."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from itertools import count

import strawberry
from strawberry.types import Info

from domain.containers import ContainerOutput
from domain.users.model import Role
from graph.builds.types import LogLineType
from graph.context import GraphQLContext
from graph.errors import bad_user_input
from graph.live.feeds import live_feed
from graph.node import key_of
from graph.permissions import require_role
from graph.tools.types import ToolType

MAX_TAIL = 1000
DEFAULT_TAIL = 100


@strawberry.type
class ToolSubscriptions:
    @strawberry.subscription(
        description="Status and health changes of one tool (its current state first; completes "
        "when it is uninstalled), or of every tool when `toolId` is null."
    )
    async def tool_updated(
        self, info: Info[GraphQLContext, None], tool_id: strawberry.ID | None = None
    ) -> AsyncGenerator[ToolType, None]:
        await require_role(info, Role.VIEWER)
        feeds = info.context.services.tool_status_feed
        if tool_id is None:
            feed = feeds.follow_all()
        else:
            key = key_of(tool_id, "Tool")
            if key is None:
                raise bad_user_input("`toolId` is not a tool ID.")
            feed = feeds.follow_one(key)
        async with aclosing(live_feed(info, feed, ToolType.from_domain)) as items:
            async for tool in items:
                yield tool

    @strawberry.subscription(
        description="The tool's container output (stdout and stderr): the last `tail` lines, "
        "then new ones in batches, across restarts; completes when the tool is uninstalled. "
        "`seq` numbers lines within this feed. Maintainers and admins only."
    )
    async def tool_logs(
        self,
        info: Info[GraphQLContext, None],
        tool_id: strawberry.ID,
        tail: int | None = DEFAULT_TAIL,
    ) -> AsyncGenerator[list[LogLineType], None]:
        # No query shows container output to viewers (it can echo configuration), so no feed.
        await require_role(info, Role.MAINTAINER)
        key = key_of(tool_id, "Tool")
        if key is None:
            raise bad_user_input("`toolId` is not a tool ID.")
        tail = DEFAULT_TAIL if tail is None else tail
        if not 0 <= tail <= MAX_TAIL:
            raise bad_user_input(f"`tail` must be 0-{MAX_TAIL}.")
        numbering = count(1)

        def show(batch: list[ContainerOutput]) -> list[LogLineType]:
            return [
                LogLineType(
                    seq=next(numbering),
                    stream=line.stream,
                    timestamp=line.timestamp,
                    text=line.text,
                )
                for line in batch
            ]

        feed = info.context.services.output.follow(key, tail)
        async with aclosing(live_feed(info, feed, show)) as items:
            async for lines in items:
                yield lines

"""Live feeds of tools: status and health changes."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from domain.users.model import Role
from graph.context import GraphQLContext
from graph.errors import bad_user_input
from graph.live.feeds import live_feed
from graph.node import key_of
from graph.permissions import require_role
from graph.tools.types import ToolType


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
        feeds = info.context.container.tool_status_feed
        if tool_id is None:
            feed = feeds.follow_all()
        else:
            key = key_of(tool_id, "Tool")
            if key is None:
                raise bad_user_input("`toolId` is not a tool ID.")
            feed = feeds.follow_one(key)
        async for tool in live_feed(info, feed, ToolType.from_domain):
            yield tool

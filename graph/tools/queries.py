from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.users.model import Role
from graph.context import GraphQLContext
from graph.errors import bad_user_input
from graph.node import key_of
from graph.pagination import Connection, connection, requested_page
from graph.permissions import require_role
from graph.tools.inputs import ToolFilter
from graph.tools.types import ToolType, tool_position


async def resolve_tool(info: Info[GraphQLContext, None], global_id: str) -> ToolType | None:
    await require_role(info, Role.VIEWER)
    key = key_of(global_id, "Tool")
    tool = await info.context.loaders.tool_by_id.load(key) if key else None
    return ToolType.from_domain(tool) if tool else None


@strawberry.type
class ToolQueries:
    @strawberry.field(description="A tool by ID or by name (give exactly one).")
    async def tool(
        self,
        info: Info[GraphQLContext, None],
        id: strawberry.ID | None = None,
        name: str | None = None,
    ) -> ToolType | None:
        await require_role(info, Role.VIEWER)
        if (id is None) == (name is None):
            raise bad_user_input("Give exactly one of `id` and `name`.")
        if id is not None:
            return await resolve_tool(info, id)
        tool = await info.context.services.tools.get_by_name(name or "")
        return ToolType.from_domain(tool) if tool else None

    @strawberry.field(description="Installed tools, oldest first.")
    async def tools(
        self,
        info: Info[GraphQLContext, None],
        first: int | None = None,
        after: str | None = None,
        filter: ToolFilter | None = None,
    ) -> Connection[ToolType]:
        await require_role(info, Role.VIEWER)
        page = requested_page(first, after)
        tools = await info.context.services.tools.page(page, (filter or ToolFilter()).to_domain())
        return connection(tools, page, tool_position, ToolType.from_domain)

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.tools.model import ToolStatus as DomainToolStatus
from domain.users.model import Role
from graph.context import GraphQLContext
from graph.errors import bad_user_input
from graph.node import key_of
from graph.pagination import PageInfo, cursor_arguments, encode_cursor
from graph.permissions import require_role
from graph.tools.inputs import ToolFilter
from graph.tools.types import ToolConnection, ToolEdge, ToolType


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
    ) -> ToolConnection:
        await require_role(info, Role.VIEWER)
        limit, cursor = cursor_arguments(first, after)
        filter = filter or ToolFilter()
        status = DomainToolStatus(filter.status.value) if filter.status else None
        tools = await info.context.services.tools.page(
            limit, cursor, status, filter.category, filter.search
        )
        edges = [
            ToolEdge(cursor=encode_cursor(t.created_at, t.id), node=ToolType.from_domain(t))
            for t in tools[:limit]
        ]
        end = edges[-1].cursor if edges else None
        return ToolConnection(
            edges=edges, page_info=PageInfo(has_next_page=len(tools) > limit, end_cursor=end)
        )

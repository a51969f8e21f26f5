from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.builds.model import BuildStatus as DomainBuildStatus
from domain.users.model import Role
from graph.builds.connection import build_connection
from graph.builds.types import BuildConnection, BuildType
from graph.context import GraphQLContext
from graph.errors import bad_user_input
from graph.node import key_of
from graph.pagination import cursor_arguments
from graph.permissions import require_role
from graph.tools.inputs import BuildFilter


async def resolve_build(info: Info[GraphQLContext, None], global_id: str) -> BuildType | None:
    await require_role(info, Role.VIEWER)
    key = key_of(global_id, "Build")
    build = await info.context.loaders.build_by_id.load(key) if key else None
    return BuildType.from_domain(build) if build else None


@strawberry.type
class BuildQueries:
    @strawberry.field(description="A build by ID.")
    async def build(self, info: Info[GraphQLContext, None], id: strawberry.ID) -> BuildType | None:
        return await resolve_build(info, id)

    @strawberry.field(description="Builds of every tool, newest first (queued and running too).")
    async def builds(
        self,
        info: Info[GraphQLContext, None],
        first: int | None = None,
        after: str | None = None,
        filter: BuildFilter | None = None,
    ) -> BuildConnection:
        await require_role(info, Role.VIEWER)
        limit, cursor = cursor_arguments(first, after)
        filter = filter or BuildFilter()
        tool_key = None
        if filter.tool_id is not None:
            tool_key = key_of(filter.tool_id, "Tool")
            if tool_key is None:
                raise bad_user_input("`filter.toolId` is not a tool ID.")
        status = DomainBuildStatus(filter.status.value) if filter.status else None
        builds = await info.context.services.builds.page(limit, cursor, status, tool_key)
        return build_connection(builds, limit)

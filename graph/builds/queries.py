from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.users.model import Role
from graph.builds.inputs import BuildFilter
from graph.builds.types import BuildType, build_position
from graph.context import GraphQLContext
from graph.node import key_of
from graph.pagination import Connection, connection, requested_page
from graph.permissions import require_role


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
    ) -> Connection[BuildType]:
        await require_role(info, Role.VIEWER)
        page = requested_page(first, after)
        domain_filter = (filter or BuildFilter()).to_domain()
        builds = await info.context.services.builds.page(page, domain_filter)
        return connection(builds, page, build_position, BuildType.from_domain)

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.users.model import Role
from graph.context import GraphQLContext
from graph.permissions import require_role
from graph.system.types import SystemInfoType


@strawberry.type
class SystemQueries:
    @strawberry.field(
        description="The platform's version and whether its database, Docker and git answer."
    )
    async def system(self, info: Info[GraphQLContext, None]) -> SystemInfoType:
        await require_role(info, Role.VIEWER)
        return SystemInfoType.from_domain(await info.context.services.system.info())

from __future__ import annotations

import strawberry
from strawberry.types import Info

from graph.context import GraphQLContext
from graph.permissions import IsAuthenticated
from graph.system.types import SystemInfoType


@strawberry.type
class SystemQueries:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="The platform's version and whether its database, Docker and git answer.",
    )
    async def system(self, info: Info[GraphQLContext, None]) -> SystemInfoType:
        return SystemInfoType.from_domain(await info.context.services.system.info())

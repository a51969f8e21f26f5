from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.users.model import Role
from graph.builds.inputs import CancelBuildInput
from graph.builds.payloads import CancelBuildPayload
from graph.builds.types import BuildType
from graph.context import GraphQLContext
from graph.mutation import key, mutation_payload
from graph.permissions import require_role


@strawberry.type
class BuildMutations:
    @strawberry.mutation(description="Cancel a queued or running build; it stops within seconds.")
    async def cancel_build(
        self, info: Info[GraphQLContext, None], input: CancelBuildInput
    ) -> CancelBuildPayload:
        actor = await require_role(info, Role.MAINTAINER)
        builds = info.context.services.build_requests

        async def work() -> CancelBuildPayload:
            build = await builds.cancel_build(actor, key(input.id, "Build"))
            return CancelBuildPayload(build=BuildType.from_domain(build))

        return await mutation_payload(CancelBuildPayload, work)

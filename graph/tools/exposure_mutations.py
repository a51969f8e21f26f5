"""Who may open a tool through the gateway (MAINTAINER or ADMIN), and its custom domains (ADMIN)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.users.model import Role
from graph.context import GraphQLContext
from graph.mutation import key
from graph.permissions import require_role
from graph.tools import inputs
from graph.tools import payloads as p
from graph.tools.mutation_support import tool_payload


@strawberry.type
class ToolExposureMutations:
    @strawberry.mutation(description="Set who may open the tool through the gateway.")
    async def set_tool_access(
        self, info: Info[GraphQLContext, None], input: inputs.SetToolAccessInput
    ) -> p.SetToolAccessPayload:
        actor = await require_role(info, Role.MAINTAINER)
        exposure = info.context.services.exposure
        return await tool_payload(
            p.SetToolAccessPayload,
            lambda: exposure.set_access(actor, key(input.id, "Tool"), input.tool_access),
        )

    @strawberry.mutation(
        description="Replace the custom domains the tool answers on through the gateway."
    )
    async def set_tool_domains(
        self, info: Info[GraphQLContext, None], input: inputs.SetToolDomainsInput
    ) -> p.SetToolDomainsPayload:
        actor = await require_role(info, Role.ADMIN)
        exposure = info.context.services.exposure
        return await tool_payload(
            p.SetToolDomainsPayload,
            lambda: exposure.set_domains(actor, key(input.id, "Tool"), input.domains),
        )

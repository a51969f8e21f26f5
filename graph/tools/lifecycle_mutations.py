"""Operating installed tools: builds on request, rollback, start/stop/restart, uninstall."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.builds.model import Build
from domain.builds.model import BuildTrigger as DomainTrigger
from domain.tools.commands import RequestBuild, Rollback
from domain.tools.model import Tool
from domain.users.model import Role
from graph.context import GraphQLContext
from graph.mutation import key
from graph.permissions import require_role
from graph.tools import inputs
from graph.tools import payloads as p
from graph.tools.mutation_support import tool_build_payload, tool_payload


@strawberry.type
class ToolLifecycleMutations:
    @strawberry.mutation(description="Build the newest commit of the tool's ref (or a new ref).")
    async def update_tool(
        self, info: Info[GraphQLContext, None], input: inputs.UpdateToolInput
    ) -> p.UpdateToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        builds = info.context.services.build_requests

        async def work() -> tuple[Tool, Build]:
            command = RequestBuild(key(input.id, "Tool"), input.ref, input.idempotency_key)
            return await builds.request_build(actor, command, DomainTrigger.UPDATE)

        return await tool_build_payload(p.UpdateToolPayload, work)

    @strawberry.mutation(description="Build the tool's ref again.")
    async def rebuild_tool(
        self, info: Info[GraphQLContext, None], input: inputs.RebuildToolInput
    ) -> p.RebuildToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        builds = info.context.services.build_requests

        async def work() -> tuple[Tool, Build]:
            command = RequestBuild(key(input.id, "Tool"), None, input.idempotency_key)
            return await builds.request_build(actor, command, DomainTrigger.REBUILD)

        return await tool_build_payload(p.RebuildToolPayload, work)

    @strawberry.mutation(description="Run an earlier successful build's image again.")
    async def rollback_tool(
        self, info: Info[GraphQLContext, None], input: inputs.RollbackToolInput
    ) -> p.RollbackToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        builds = info.context.services.build_requests

        async def work() -> tuple[Tool, Build]:
            command = Rollback(key(input.id, "Tool"), key(input.build_id, "Build", "build_id"))
            return await builds.rollback(actor, command)

        return await tool_build_payload(p.RollbackToolPayload, work)

    @strawberry.mutation(description="Start the tool's container; health is checked after.")
    async def start_tool(
        self, info: Info[GraphQLContext, None], input: inputs.ToolIdInput
    ) -> p.StartToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        lifecycle = info.context.services.lifecycle
        return await tool_payload(
            p.StartToolPayload, lambda: lifecycle.start(actor, key(input.id, "Tool"))
        )

    @strawberry.mutation(description="Stop the tool's container (it stays installed).")
    async def stop_tool(
        self, info: Info[GraphQLContext, None], input: inputs.ToolIdInput
    ) -> p.StopToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        lifecycle = info.context.services.lifecycle
        return await tool_payload(
            p.StopToolPayload, lambda: lifecycle.stop(actor, key(input.id, "Tool"))
        )

    @strawberry.mutation(description="Stop and start the tool's container.")
    async def restart_tool(
        self, info: Info[GraphQLContext, None], input: inputs.ToolIdInput
    ) -> p.RestartToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        lifecycle = info.context.services.lifecycle
        return await tool_payload(
            p.RestartToolPayload, lambda: lifecycle.restart(actor, key(input.id, "Tool"))
        )

    @strawberry.mutation(description="Remove the tool: container, images, history, and data.")
    async def uninstall_tool(
        self, info: Info[GraphQLContext, None], input: inputs.UninstallToolInput
    ) -> p.UninstallToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        lifecycle = info.context.services.lifecycle
        return await tool_payload(
            p.UninstallToolPayload,
            lambda: lifecycle.uninstall(actor, key(input.id, "Tool"), input.keep_data),
        )

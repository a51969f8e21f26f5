"""Installing tools, dry runs, variables and secrets (MAINTAINER or ADMIN)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.builds.model import Build
from domain.tools.commands import InstallTool
from domain.tools.model import Tool
from domain.users.model import Role
from graph.context import GraphQLContext
from graph.mutation import key, mutation_payload
from graph.permissions import require_role
from graph.tools import inputs
from graph.tools import payloads as p
from graph.tools.mutation_support import pairs, tool_build_payload, tool_payload


@strawberry.type
class ToolSetupMutations:
    @strawberry.mutation(description="Dry run: clone and validate; returns the plan or errors.")
    async def validate_manifest(
        self, info: Info[GraphQLContext, None], input: inputs.ValidateManifestInput
    ) -> p.ValidateManifestPayload:
        actor = await require_role(info, Role.MAINTAINER)
        tools = info.context.services.installer

        async def work() -> p.ValidateManifestPayload:
            plan = await tools.validate_manifest(actor, input.repo_url, input.ref, input.subdir)
            return p.ValidateManifestPayload(plan=p.ManifestPlanType.from_domain(plan))

        return await mutation_payload(p.ValidateManifestPayload, work)

    @strawberry.mutation(description="Install a tool; returns at once with its queued build.")
    async def install_tool(
        self, info: Info[GraphQLContext, None], input: inputs.InstallToolInput
    ) -> p.InstallToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        tools = info.context.services.installer
        command = InstallTool(
            repo_url=input.repo_url,
            ref=input.ref,
            subdir=input.subdir,
            name=input.name,
            environment=pairs(input.environment),
            secrets=pairs(input.secrets),
            idempotency_key=input.idempotency_key,
            access=input.tool_access,
        )

        async def work() -> tuple[Tool, Build]:
            return await tools.install_tool(actor, command)

        return await tool_build_payload(p.InstallToolPayload, work)

    @strawberry.mutation(
        description="Replace the tool's variables; they apply from its next start or build."
    )
    async def set_tool_environment(
        self, info: Info[GraphQLContext, None], input: inputs.SetToolEnvironmentInput
    ) -> p.SetToolEnvironmentPayload:
        actor = await require_role(info, Role.MAINTAINER)
        configuration = info.context.services.configuration
        return await tool_payload(
            p.SetToolEnvironmentPayload,
            lambda: configuration.set_environment(
                actor, key(input.id, "Tool"), pairs(input.environment)
            ),
        )

    @strawberry.mutation(description="Set a secret variable (encrypted, never readable back).")
    async def set_tool_secret(
        self, info: Info[GraphQLContext, None], input: inputs.SetToolSecretInput
    ) -> p.SetToolSecretPayload:
        actor = await require_role(info, Role.MAINTAINER)
        configuration = info.context.services.configuration
        return await tool_payload(
            p.SetToolSecretPayload,
            lambda: configuration.set_secret(actor, key(input.id, "Tool"), input.name, input.value),
        )

    @strawberry.mutation(description="Delete a secret variable.")
    async def delete_tool_secret(
        self, info: Info[GraphQLContext, None], input: inputs.DeleteToolSecretInput
    ) -> p.DeleteToolSecretPayload:
        actor = await require_role(info, Role.MAINTAINER)
        configuration = info.context.services.configuration
        return await tool_payload(
            p.DeleteToolSecretPayload,
            lambda: configuration.delete_secret(actor, key(input.id, "Tool"), input.name),
        )

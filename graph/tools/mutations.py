"""Tool mutations: MAINTAINER or ADMIN; expected failures come back as payload `errors`."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry
from strawberry.types import Info

from domain.builds.model import BuildTrigger as DomainTrigger
from domain.errors import DomainError, NotFound
from domain.tools.commands import InstallTool, RequestBuild, Rollback
from domain.users.model import Role
from graph.builds.types import BuildType
from graph.context import GraphQLContext
from graph.errors import user_errors
from graph.node import key_of
from graph.permissions import require_role
from graph.tools import inputs
from graph.tools import payloads as p
from graph.tools.types import ToolType


def key(global_id: str, type_name: str, field: str = "id") -> uuid.UUID:
    found = key_of(global_id, type_name)
    if found is None:
        raise NotFound(f"No {type_name.lower()} with this id.", field=(field,))
    return found


def pairs(items: list[Any]) -> dict[str, str]:
    return {item.name: item.value for item in items}


@strawberry.type
class ToolMutations:
    @strawberry.mutation(description="Dry run: clone and validate; returns the plan or errors.")
    async def validate_manifest(
        self, info: Info[GraphQLContext, None], input: inputs.ValidateManifestInput
    ) -> p.ValidateManifestPayload:
        actor = await require_role(info, Role.MAINTAINER)
        try:
            plan = await info.context.container.tools.validate_manifest(
                actor, input.repo_url, input.ref, input.subdir
            )
        except DomainError as error:
            return p.ValidateManifestPayload(errors=user_errors(error))
        return p.ValidateManifestPayload(plan=p.ManifestPlanType.from_domain(plan))

    @strawberry.mutation(description="Install a tool; returns at once with its queued build.")
    async def install_tool(
        self, info: Info[GraphQLContext, None], input: inputs.InstallToolInput
    ) -> p.InstallToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        command = InstallTool(
            repo_url=input.repo_url,
            ref=input.ref,
            subdir=input.subdir,
            name=input.name,
            environment=pairs(input.environment),
            secrets=pairs(input.secrets),
            idempotency_key=input.idempotency_key,
        )
        try:
            tool, build = await info.context.container.tools.install_tool(actor, command)
        except DomainError as error:
            return p.InstallToolPayload(errors=user_errors(error))
        return p.InstallToolPayload(
            tool=ToolType.from_domain(tool), build=BuildType.from_domain(build)
        )

    @strawberry.mutation(description="Build the newest commit of the tool's ref (or a new ref).")
    async def update_tool(
        self, info: Info[GraphQLContext, None], input: inputs.UpdateToolInput
    ) -> p.UpdateToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        try:
            command = RequestBuild(key(input.id, "Tool"), input.ref, input.idempotency_key)
            tool, build = await info.context.container.lifecycle.request_build(
                actor, command, DomainTrigger.UPDATE
            )
        except DomainError as error:
            return p.UpdateToolPayload(errors=user_errors(error))
        return p.UpdateToolPayload(
            tool=ToolType.from_domain(tool), build=BuildType.from_domain(build)
        )

    @strawberry.mutation(description="Build the tool's ref again.")
    async def rebuild_tool(
        self, info: Info[GraphQLContext, None], input: inputs.RebuildToolInput
    ) -> p.RebuildToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        try:
            command = RequestBuild(key(input.id, "Tool"), None, input.idempotency_key)
            tool, build = await info.context.container.lifecycle.request_build(
                actor, command, DomainTrigger.REBUILD
            )
        except DomainError as error:
            return p.RebuildToolPayload(errors=user_errors(error))
        return p.RebuildToolPayload(
            tool=ToolType.from_domain(tool), build=BuildType.from_domain(build)
        )

    @strawberry.mutation(description="Run an earlier successful build's image again.")
    async def rollback_tool(
        self, info: Info[GraphQLContext, None], input: inputs.RollbackToolInput
    ) -> p.RollbackToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        try:
            command = Rollback(key(input.id, "Tool"), key(input.build_id, "Build", "buildId"))
            tool, build = await info.context.container.lifecycle.rollback(actor, command)
        except DomainError as error:
            return p.RollbackToolPayload(errors=user_errors(error))
        return p.RollbackToolPayload(
            tool=ToolType.from_domain(tool), build=BuildType.from_domain(build)
        )

    @strawberry.mutation(description="Start the tool's container; health is checked after.")
    async def start_tool(
        self, info: Info[GraphQLContext, None], input: inputs.ToolIdInput
    ) -> p.StartToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        try:
            tool = await info.context.container.lifecycle.start(actor, key(input.id, "Tool"))
        except DomainError as error:
            return p.StartToolPayload(errors=user_errors(error))
        return p.StartToolPayload(tool=ToolType.from_domain(tool))

    @strawberry.mutation(description="Stop the tool's container (it stays installed).")
    async def stop_tool(
        self, info: Info[GraphQLContext, None], input: inputs.ToolIdInput
    ) -> p.StopToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        try:
            tool = await info.context.container.lifecycle.stop(actor, key(input.id, "Tool"))
        except DomainError as error:
            return p.StopToolPayload(errors=user_errors(error))
        return p.StopToolPayload(tool=ToolType.from_domain(tool))

    @strawberry.mutation(description="Stop and start the tool's container.")
    async def restart_tool(
        self, info: Info[GraphQLContext, None], input: inputs.ToolIdInput
    ) -> p.RestartToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        try:
            tool = await info.context.container.lifecycle.restart(actor, key(input.id, "Tool"))
        except DomainError as error:
            return p.RestartToolPayload(errors=user_errors(error))
        return p.RestartToolPayload(tool=ToolType.from_domain(tool))

    @strawberry.mutation(description="Remove the tool: container, images, history, and data.")
    async def uninstall_tool(
        self, info: Info[GraphQLContext, None], input: inputs.UninstallToolInput
    ) -> p.UninstallToolPayload:
        actor = await require_role(info, Role.MAINTAINER)
        try:
            tool = await info.context.container.lifecycle.uninstall(
                actor, key(input.id, "Tool"), input.keep_data
            )
        except DomainError as error:
            return p.UninstallToolPayload(errors=user_errors(error))
        return p.UninstallToolPayload(tool=ToolType.from_domain(tool))

    @strawberry.mutation(
        description="Replace the tool's variables; they apply from its next start or build."
    )
    async def set_tool_environment(
        self, info: Info[GraphQLContext, None], input: inputs.SetToolEnvironmentInput
    ) -> p.SetToolEnvironmentPayload:
        actor = await require_role(info, Role.MAINTAINER)
        try:
            tool = await info.context.container.tools.set_environment(
                actor, key(input.id, "Tool"), pairs(input.environment)
            )
        except DomainError as error:
            return p.SetToolEnvironmentPayload(errors=user_errors(error))
        return p.SetToolEnvironmentPayload(tool=ToolType.from_domain(tool))

    @strawberry.mutation(description="Set a secret variable (encrypted, never readable back).")
    async def set_tool_secret(
        self, info: Info[GraphQLContext, None], input: inputs.SetToolSecretInput
    ) -> p.SetToolSecretPayload:
        actor = await require_role(info, Role.MAINTAINER)
        try:
            tool = await info.context.container.tools.set_secret(
                actor, key(input.id, "Tool"), input.name, input.value
            )
        except DomainError as error:
            return p.SetToolSecretPayload(errors=user_errors(error))
        return p.SetToolSecretPayload(tool=ToolType.from_domain(tool))

    @strawberry.mutation(description="Delete a secret variable.")
    async def delete_tool_secret(
        self, info: Info[GraphQLContext, None], input: inputs.DeleteToolSecretInput
    ) -> p.DeleteToolSecretPayload:
        actor = await require_role(info, Role.MAINTAINER)
        try:
            tool = await info.context.container.tools.delete_secret(
                actor, key(input.id, "Tool"), input.name
            )
        except DomainError as error:
            return p.DeleteToolSecretPayload(errors=user_errors(error))
        return p.DeleteToolSecretPayload(tool=ToolType.from_domain(tool))

    @strawberry.mutation(description="Cancel a queued or running build; it stops within seconds.")
    async def cancel_build(
        self, info: Info[GraphQLContext, None], input: inputs.CancelBuildInput
    ) -> p.CancelBuildPayload:
        actor = await require_role(info, Role.MAINTAINER)
        try:
            build = await info.context.container.lifecycle.cancel_build(
                actor, key(input.id, "Build")
            )
        except DomainError as error:
            return p.CancelBuildPayload(errors=user_errors(error))
        return p.CancelBuildPayload(build=BuildType.from_domain(build))

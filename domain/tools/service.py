"""Installing tools, dry-run validation, environment and secrets, and reading tools."""

from __future__ import annotations

import asyncio
import uuid

from domain.builds.model import Build, BuildTrigger
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, NotFound, ValidationFailed
from domain.ports import (
    BuildSignals,
    ManifestLoader,
    PageKey,
    PortProbe,
    SecretCipher,
    SourceControl,
    UnitOfWork,
    UnitOfWorkFactory,
)
from domain.runtime.model import SourceSpec, image_tag
from domain.tools import access
from domain.tools.commands import InstallTool, ManifestPlan
from domain.tools.model import REPO_URL_SECRET, HealthCheck, Tool, ToolSecret, ToolStatus
from domain.tools.naming import name_from_repo_url, name_problems, variable_problems
from domain.tools.policy import ToolPolicy
from domain.tools.ports_allocation import HostPortTaken, allocate_host_port
from domain.tools.source import display_url, validate_source
from domain.users.model import User

PORT_ATTEMPTS = 5


class ToolService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        source: SourceControl,
        manifests: ManifestLoader,
        cipher: SecretCipher,
        ports: PortProbe,
        signals: BuildSignals,
        policy: ToolPolicy,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._source = source
        self._manifests = manifests
        self._cipher = cipher
        self._ports = ports
        self._signals = signals
        self._policy = policy
        self._clock = clock

    async def install_tool(self, actor: User, command: InstallTool) -> tuple[Tool, Build]:
        access.require_operator(actor)
        problems: list[DomainError] = []
        try:
            source = validate_source(
                command.repo_url,
                command.ref,
                command.subdir,
                allow_local=self._policy.allow_local_repos,
            )
        except ValidationFailed as invalid:
            problems.extend(invalid.problems)
        name = command.name or name_from_repo_url(display_url(command.repo_url))
        # A name derived from an invalid URL says nothing more than the URL's own problem.
        if command.name is not None or not problems:
            problems += name_problems(name)
        problems += [
            *variable_problems(command.environment, ("environment",)),
            *variable_problems(command.secrets, ("secrets",), "Secret"),
        ]
        if problems:
            raise ValidationFailed(problems)
        for attempt in range(PORT_ATTEMPTS):
            try:
                tool, build = await self._create(actor, command, source, name)
                break
            except HostPortTaken:
                if attempt == PORT_ATTEMPTS - 1:
                    raise
        self._signals.build_queued()
        return tool, build

    async def _create(
        self, actor: User, command: InstallTool, source: SourceSpec, name: str
    ) -> tuple[Tool, Build]:
        async with self._uow() as uow:
            existing = await uow.tools.get_by_name(name)
            if existing is not None:
                replay = await self._replay(uow, existing, command.idempotency_key)
                if replay is not None:
                    return existing, replay
                raise ValidationFailed(
                    [
                        DomainError(
                            f"A tool named {name!r} exists.",
                            code=ErrorCode.NAME_TAKEN,
                            field=("name",),
                        )
                    ]
                )
            now = self._clock.now()
            port = allocate_host_port(
                await uow.tools.used_host_ports(), self._ports, self._policy.port_range
            )
            tool = Tool(
                name=name,
                repo_url=display_url(source.repo_url),
                ref=source.ref,
                subdir=source.subdir,
                host_port=port,
                created_at=now,
                updated_at=now,
                environment=dict(command.environment),
                created_by_id=actor.id,
            )
            build = Build(
                tool.id,
                1,
                BuildTrigger.INSTALL,
                source.ref,
                now,
                requested_by_id=actor.id,
                idempotency_key=command.idempotency_key,
            )
            await uow.tools.add(tool)
            await uow.builds.add(build)
            secrets = dict(command.secrets)
            if tool.repo_url != source.repo_url:
                secrets[REPO_URL_SECRET] = source.repo_url
            for secret_name, value in secrets.items():
                await uow.tool_secrets.put(self._seal(tool.id, secret_name, value))
            await uow.audit.record(access.event(actor, "tool.installed", tool, now))
            await uow.commit()
        return tool, build

    async def _replay(self, uow: UnitOfWork, tool: Tool, key: str | None) -> Build | None:
        if key is None:
            return None
        return await uow.builds.get_by_idempotency_key(tool.id, key)

    async def validate_manifest(
        self, actor: User, repo_url: str, ref: str | None, subdir: str | None
    ) -> ManifestPlan:
        """Clone and validate without creating anything; the workspace is removed after."""
        access.require_operator(actor)
        source = validate_source(repo_url, ref, subdir, allow_local=self._policy.allow_local_repos)
        async with self._source.checkout(source, lambda stream, text: None) as checkout:
            manifest = await asyncio.to_thread(self._manifests.load, checkout.directory)
        return ManifestPlan(
            name=manifest.name,
            image=image_tag(manifest.name, 1),
            commit_sha=checkout.commit_sha,
            category=manifest.category.value,
            port=manifest.port,
            health_check=manifest.health_check,
            environment_keys=tuple(manifest.environment),
            volumes=tuple(volume.spec() for volume in manifest.volumes),
            memory_bytes=self._policy.memory_for(manifest.resources.memory_bytes),
            nano_cpus=self._policy.nano_cpus_for(manifest.resources.nano_cpus),
            pids_limit=self._policy.pids_limit,
        )

    async def set_environment(
        self, actor: User, tool_id: uuid.UUID, environment: dict[str, str]
    ) -> Tool:
        """Replace the tool's variables; they apply from the next start, restart or build."""
        access.require_operator(actor)
        problems = variable_problems(environment, ("environment",))
        if problems:
            raise ValidationFailed(problems)
        async with self._uow() as uow:
            tool = await self._locked(uow, tool_id)
            tool.environment = dict(environment)
            tool.updated_at = self._clock.now()
            await uow.tools.save(tool)
            keys = sorted(environment)
            await uow.audit.record(
                access.event(actor, "tool.environment_set", tool, tool.updated_at, keys=keys)
            )
            await uow.commit()
        return tool

    async def set_secret(self, actor: User, tool_id: uuid.UUID, name: str, value: str) -> Tool:
        access.require_operator(actor)
        problems = variable_problems({name: value}, ("name",), "Secret")
        if problems:
            raise ValidationFailed(problems)
        async with self._uow() as uow:
            tool = await self._locked(uow, tool_id)
            await uow.tool_secrets.put(self._seal(tool.id, name, value))
            now = self._clock.now()
            await uow.audit.record(access.event(actor, "tool.secret_set", tool, now, name=name))
            await uow.commit()
        return tool

    async def delete_secret(self, actor: User, tool_id: uuid.UUID, name: str) -> Tool:
        access.require_operator(actor)
        async with self._uow() as uow:
            tool = await self._locked(uow, tool_id)
            if name == REPO_URL_SECRET or not await uow.tool_secrets.delete(tool.id, name):
                raise NotFound(f"The tool has no secret named {name!r}.", field=("name",))
            now = self._clock.now()
            await uow.audit.record(access.event(actor, "tool.secret_deleted", tool, now, name=name))
            await uow.commit()
        return tool

    def _seal(self, tool_id: uuid.UUID, name: str, value: str) -> ToolSecret:
        return ToolSecret(tool_id, name, self._cipher.encrypt(value), self._clock.now())

    async def _locked(self, uow: UnitOfWork, tool_id: uuid.UUID) -> Tool:
        tool = await uow.tools.lock(tool_id)
        if tool is None:
            raise NotFound("No tool with this id.", field=("id",))
        return tool

    # Reads: any signed-in user.

    async def get(self, tool_id: uuid.UUID) -> Tool | None:
        async with self._uow() as uow:
            return await uow.tools.get(tool_id)

    async def get_by_name(self, name: str) -> Tool | None:
        async with self._uow() as uow:
            return await uow.tools.get_by_name(name)

    async def tools_by_ids(self, tool_ids: list[uuid.UUID]) -> list[Tool]:
        async with self._uow() as uow:
            return await uow.tools.get_many(tool_ids)

    async def page(
        self,
        limit: int,
        after: PageKey | None,
        status: ToolStatus | None = None,
        category: str | None = None,
        search: str | None = None,
    ) -> list[Tool]:
        async with self._uow() as uow:
            return await uow.tools.page(limit + 1, after, status, category, search)

    async def secret_names(self, tool_id: uuid.UUID) -> list[str]:
        async with self._uow() as uow:
            secrets = await uow.tool_secrets.for_tool(tool_id)
        return [secret.name for secret in secrets if secret.name != REPO_URL_SECRET]

    async def health_checks(self, tool_id: uuid.UUID, last: int) -> list[HealthCheck]:
        async with self._uow() as uow:
            return await uow.health_checks.latest(tool_id, last)

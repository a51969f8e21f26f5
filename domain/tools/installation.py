"""Installing tools, and dry runs that validate a source without creating anything."""

from __future__ import annotations

import asyncio
import uuid

from domain.builds.model import Build, BuildTrigger
from domain.checkouts import SourceSpec
from domain.clock import Clock
from domain.containers import image_tag
from domain.errors import DomainError, ErrorCode, ValidationFailed
from domain.ports import (
    BuildSignals,
    ManifestLoader,
    PortProbe,
    SecretCipher,
    SourceControl,
    UnitOfWork,
    UnitOfWorkFactory,
)
from domain.tools import access
from domain.tools.commands import InstallTool, ManifestPlan
from domain.tools.host_ports import HostPortReservations, HostPortTaken, allocate_host_port
from domain.tools.model import Tool
from domain.tools.naming import name_from_repo_url, name_problems, variable_problems
from domain.tools.policy import ToolPolicy
from domain.tools.secrets import REPO_URL_SECRET, ToolSecret
from domain.tools.source import display_url, validate_source
from domain.users.model import User

PORT_ATTEMPTS = 5


class ToolInstaller:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        source: SourceControl,
        manifests: ManifestLoader,
        cipher: SecretCipher,
        ports: PortProbe,
        reservations: HostPortReservations,
        signals: BuildSignals,
        policy: ToolPolicy,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._source = source
        self._manifests = manifests
        self._cipher = cipher
        self._ports = ports
        self._reservations = reservations
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
            # Not a port a switch in flight holds for its new container either.
            used = await uow.tools.used_host_ports() | self._reservations.held
            port = allocate_host_port(used, self._ports, self._policy.port_range)
            tool = Tool.install(
                name=name,
                repo_url=display_url(source.repo_url),
                ref=source.ref,
                subdir=source.subdir,
                host_port=port,
                environment=command.environment,
                created_by_id=actor.id,
                now=now,
                access=command.access,
            )
            build = Build.queue(
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

    def _seal(self, tool_id: uuid.UUID, name: str, value: str) -> ToolSecret:
        return ToolSecret(tool_id, name, self._cipher.encrypt(value), self._clock.now())

"""Running a tool's image: the container it gets, and waiting until it answers healthily."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from domain.clock import Clock
from domain.containers import (
    ContainerSpec,
    HealthResult,
    NetworkMode,
    container_labels,
    container_name,
    next_container_name,
)
from domain.errors import DomainError, EngineError, ErrorCode
from domain.gateway.addresses import PublicAddresses
from domain.manifest.model import Manifest
from domain.ports import ContainerEngine, HealthProbe, SecretCipher, ToolFiles
from domain.tools.model import Tool
from domain.tools.policy import ToolPolicy
from domain.tools.secrets import ToolSecret

HEALTH_POLL_SECONDS = 0.5
PROBE_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Launch:
    tool: Tool
    manifest: Manifest
    image: str
    build_id: str
    secrets: tuple[ToolSecret, ...] = ()


@dataclass(frozen=True)
class Instance:
    """One container of a tool: its name, and the host port it listens on."""

    name: str
    host_port: int

    @classmethod
    def main(cls, tool: Tool) -> Instance:
        """The container that serves the tool (on the port the tool's row holds)."""
        return cls(container_name(tool.name), tool.host_port)


class ToolWithdrawn(DomainError):
    """The tool no longer wants the container being started (stopped or removed meanwhile)."""

    code = ErrorCode.CONFLICT


Wanted = Callable[[], Awaitable[bool]]


class ToolLauncher:
    def __init__(
        self,
        engine: ContainerEngine,
        files: ToolFiles,
        probe: HealthProbe,
        cipher: SecretCipher,
        policy: ToolPolicy,
        clock: Clock,
        addresses: PublicAddresses,
    ) -> None:
        self._addresses = addresses
        self._engine = engine
        self._files = files
        self._probe = probe
        self._cipher = cipher
        self._policy = policy
        self._clock = clock
        self._locks: dict[uuid.UUID, asyncio.Lock] = {}

    def lock_for(self, tool_id: uuid.UUID) -> asyncio.Lock:
        """Serializes what changes one tool's container (launch, start, stop, revive, remove)
        within this process, so none of them acts on what another is changing."""
        return self._locks.setdefault(tool_id, asyncio.Lock())

    def forget(self, tool_id: uuid.UUID) -> None:
        self._locks.pop(tool_id, None)

    async def launch(self, launch: Launch) -> None:
        """Replace the tool's container with one running this image (stop, then start)."""
        # The old container goes first (and a switch's leftover new one): while one runs it
        # could swap a volume directory for a symlink between our checks of the mounts and
        # the engine's use of them. A switch checks that it cannot (`ToolFiles.sharing_problem`).
        await self._engine.remove_container(next_container_name(launch.tool.name))
        await self._engine.remove_container(container_name(launch.tool.name))
        await self.run(launch, Instance.main(launch.tool))

    async def run(self, launch: Launch, instance: Instance) -> None:
        """Create and start this container of the tool (replacing one of the same name)."""
        await self._engine.run_container(await self.container_spec(launch, instance))

    async def container_spec(self, launch: Launch, instance: Instance) -> ContainerSpec:
        tool, manifest = launch.tool, launch.manifest
        mode = await self._engine.network_mode()
        port = instance.host_port if mode is NetworkMode.HOST else manifest.port
        environment = {
            **manifest.environment,
            **tool.environment,
            **{s.name: self._cipher.decrypt(s.ciphertext) for s in launch.secrets if s.is_variable},
            "PORT": str(port),
        }
        return ContainerSpec(
            name=instance.name,
            image=launch.image,
            labels=container_labels(tool.name, launch.build_id, instance.host_port),
            container_port=manifest.port,
            host_port=instance.host_port,
            network_mode=mode,
            environment=environment,
            mounts=await asyncio.to_thread(self._files.mounts_for, tool.name, manifest.volumes),
            memory_bytes=self._policy.memory_for(manifest.resources.memory_bytes),
            nano_cpus=self._policy.nano_cpus_for(manifest.resources.nano_cpus),
            pids_limit=self._policy.pids_limit,
            read_only_root=manifest.read_only_filesystem,
        )

    async def wait_until_healthy(self, tool: Tool) -> HealthResult:
        return await self.wait_for(Instance.main(tool), tool.health_path)

    async def wait_for(
        self, instance: Instance, health_path: str, wanted: Wanted | None = None
    ) -> HealthResult:
        """Poll the health path until 2xx; fail fast when the container stops running, and
        raise `ToolWithdrawn` as soon as `wanted` says the tool no longer wants it."""
        deadline = asyncio.get_running_loop().time() + self._policy.health_timeout_seconds
        result = HealthResult(healthy=False, error="not checked yet")
        while asyncio.get_running_loop().time() < deadline:
            if wanted is not None and not await wanted():
                raise ToolWithdrawn("The tool was stopped or removed meanwhile.")
            result = await self.probe_at(instance.host_port, health_path)
            if result.healthy:
                return result
            state = await self._engine.container_state(instance.name)
            if state is None or not state.running:
                code = state.exit_code if state else None
                raise EngineError(
                    f"The container stopped during start (exit code {code}).",
                    code=ErrorCode.CONTAINER_START_FAILED,
                )
            await asyncio.sleep(HEALTH_POLL_SECONDS)
        return result

    def repo_url(self, tool: Tool, secrets: tuple[ToolSecret, ...]) -> str:
        """The URL to fetch from: the encrypted one when it carries credentials."""
        for secret in secrets:
            if not secret.is_variable:
                return self._cipher.decrypt(secret.ciphertext)
        return tool.repo_url

    async def probe(self, tool: Tool) -> HealthResult:
        return await self.probe_at(tool.host_port, tool.health_path)

    async def probe_at(self, host_port: int, health_path: str) -> HealthResult:
        """The container on this port itself, never through the gateway."""
        url = self._addresses.direct_url_on(host_port) + health_path
        return await self._probe.check(url, PROBE_TIMEOUT_SECONDS)

"""Zero-downtime switches: the new container starts beside the running one, on a port of its
own; once it is healthy the tool moves onto it in one transaction, the gateway's route follows,
requests to the old container finish, and only then does the old container go.

The caller holds the tool's lock (`ToolLauncher.lock_for`) throughout, so no start, stop or
other switch of the tool interleaves; a user's stop is committed without the lock and seen by
the health wait, which then gives up (the stop wins). Crash safety comes from the containers'
names and port labels: `ToolReconciler` keeps the one on the tool's stored port.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from domain.containers import HealthResult, container_name, next_container_name
from domain.errors import DomainError
from domain.gateway.sync import RouteSync
from domain.manifest.model import DeployStrategy
from domain.ports import ContainerEngine, PortProbe, ToolFiles, UnitOfWorkFactory
from domain.tools.host_ports import HostPortReservations
from domain.tools.launcher import Instance, Launch, ToolLauncher, ToolWithdrawn
from domain.tools.model import Tool
from domain.tools.policy import ToolPolicy
from domain.tools.status import DesiredState

logger = logging.getLogger(__name__)
DRAIN_POLL_SECONDS = 0.2
STOP_TIMEOUT_SECONDS = 10
NOTHING_RUNNING = "no container of the tool is running"
T = TypeVar("T")
Note = Callable[[str], None]


@dataclass(frozen=True)
class Candidate:
    """The new container of a switch, and how its start ended."""

    instance: Instance
    health: HealthResult
    withdrawn: bool = False  # the tool was stopped or removed while it started

    @property
    def ready(self) -> bool:
        return self.health.healthy and not self.withdrawn


class SwitchRecord(Protocol):
    """How a switch is written down: one transaction each way, by the use case that switches
    (a build moves the tool to its image as well, a restart only to the new port)."""

    async def switched(self, host_port: int) -> bool:
        """The tool runs the new container, on this port, from now on; False (nothing
        written) when it no longer wants to (stopped or removed meanwhile)."""
        ...

    async def switched_back(self, host_port: int) -> None:
        """Undo `switched`: the tool is on the old container's port (and image) again."""
        ...


class ToolSwitcher:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        engine: ContainerEngine,
        launcher: ToolLauncher,
        files: ToolFiles,
        routes: RouteSync,
        reservations: HostPortReservations,
        ports: PortProbe,
        policy: ToolPolicy,
    ) -> None:
        self._uow = uow
        self._engine = engine
        self._launcher = launcher
        self._files = files
        self._routes = routes
        self._reservations = reservations
        self._ports = ports
        self._policy = policy

    async def why_not_rolling(self, launch: Launch) -> str | None:
        """None when the new container can start beside the running one; else why it must
        replace it (stop, then start), `NOTHING_RUNNING` when there is nothing to keep serving."""
        tool = launch.tool
        running = await self._engine.container_state(container_name(tool.name))
        if running is None or not running.prints:
            return NOTHING_RUNNING
        if launch.manifest.deploy is DeployStrategy.RECREATE:
            return "the manifest asks for it (machete.deploy: recreate)"
        if running.host_port not in (None, tool.host_port):
            return "the running container is not on the tool's port"
        return await asyncio.to_thread(
            self._files.sharing_problem, tool.name, launch.manifest.volumes, running.mounts
        )

    async def start_beside(self, launch: Launch, note: Note) -> Candidate:
        """Start the new container on a free port beside the running one and wait until it is
        healthy. Unless the candidate is ready, it is removed again before this returns (or
        raises, on a failed start or a cancel)."""
        async with self._uow(read_only=True) as uow:
            used = await uow.tools.used_host_ports()
        port = self._reservations.reserve(used, self._ports, self._policy.port_range)
        instance = Instance(next_container_name(launch.tool.name), port)
        health_path = launch.manifest.health_check
        try:
            note(f"Starting the new container on port {port}, beside the running one")
            await self._launcher.run(launch, instance)
            wanted = self._wanted(launch.tool)
            health = await self._launcher.wait_for(instance, health_path, wanted)
        except ToolWithdrawn:
            await self.discard(instance)
            return Candidate(instance, HealthResult(healthy=False), withdrawn=True)
        except BaseException:
            await asyncio.shield(self.discard(instance))
            raise
        if not health.healthy:
            await self.discard(instance)
        return Candidate(instance, health)

    async def cut_over(
        self, tool: Tool, candidate: Candidate, record: SwitchRecord, note: Note
    ) -> bool:
        """Move `tool` (as it was before the switch) onto the ready candidate, switch the
        route, drain and remove the old container. False when the record refused (the tool was
        stopped meanwhile; the candidate is gone). When the gateway cannot be told, the switch
        is undone and the old container keeps serving (raises GATEWAY_UNAVAILABLE)."""
        old, new = Instance.main(tool), candidate.instance
        try:
            switched = await record.switched(new.host_port)
        except BaseException:
            await asyncio.shield(self.discard(new))
            raise
        if not switched:
            await self.discard(new)
            return False
        self._reservations.release(new.host_port)  # the tool's row holds it now
        try:
            await self._routes.apply()
        except DomainError as error:
            await record.switched_back(old.host_port)
            await self._routes.try_apply()
            await self.discard(new)
            message = "The gateway could not switch to the new container; the old one keeps"
            raise DomainError(f"{message} serving: {error.message}", code=error.code) from error
        note(f"The gateway sends requests to port {new.host_port} now; draining the old container")
        await self._drain(old)
        await self._retire(old, new, note)
        return True

    async def discard(self, instance: Instance) -> None:
        """Remove a new container that will not serve, and free its port."""
        try:
            await self._engine.remove_container(instance.name)
        finally:
            self._reservations.release(instance.host_port)

    def _wanted(self, tool: Tool) -> Callable[[], Awaitable[bool]]:
        async def wanted() -> bool:
            async with self._uow(read_only=True) as uow:
                current = await uow.tools.get(tool.id)
            return current is not None and current.desired_state is DesiredState.RUNNING

        return wanted

    async def _drain(self, old: Instance) -> None:
        """Until the gateway proxies nothing more to the old container and the settle time has
        passed; at most `drain_seconds`."""
        upstream = self._routes.addresses.upstream_on(old.host_port)
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + self._policy.drain_seconds
        settled = started + min(self._policy.switch_settle_seconds, self._policy.drain_seconds)
        while loop.time() < deadline:
            try:
                idle = await self._routes.gateway.in_flight(upstream) == 0
            except DomainError as error:
                # The route has switched already; an unreachable gateway proxies nothing.
                logger.warning("could not count requests to %s: %s", old.name, error.message)
                return
            if idle and loop.time() >= settled:
                return
            await asyncio.sleep(DRAIN_POLL_SECONDS)

    async def _retire(self, old: Instance, new: Instance, note: Note) -> None:
        """The old container goes and the new one takes its name. Failing here leaves the tool
        served by the new one: the reconciler finishes the job (it keeps the tool's port)."""
        try:
            await self._engine.stop_container(old.name, STOP_TIMEOUT_SECONDS)
            await self._engine.remove_container(old.name)
            await self._engine.rename_container(new.name, old.name)
        except DomainError as error:
            note(f"warning: the old container was not cleaned up yet: {error.message}")
            return
        note("Stopped the old container")


async def uninterrupted(work: Awaitable[T]) -> T:
    """Run `work` to its end even when the caller is cancelled meanwhile (then re-raise): what
    follows a switch's commit must finish, or the tool's row and its containers disagree."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        while not task.done():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.shield(task)
        raise

"""What the platform runs on: its version and whether its dependencies answer."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from domain.clock import Clock
from domain.errors import DomainError
from domain.gateway.addresses import PublicAddresses
from domain.ports import ContainerEngine, DatabaseProbe, Gateway, SourceControl
from domain.version import PLATFORM_VERSION


@dataclass(frozen=True)
class DatabaseStatus:
    dialect: str
    reachable: bool


@dataclass(frozen=True)
class DockerStatus:
    reachable: bool
    version: str | None
    network_mode: str | None = None


@dataclass(frozen=True)
class GitStatus:
    version: str | None


@dataclass(frozen=True)
class WorkerStatus:
    concurrency: int
    running_builds: int


class WorkerProbe(Protocol):
    @property
    def concurrency(self) -> int: ...
    @property
    def running_builds(self) -> int: ...


@dataclass(frozen=True)
class GatewayReport:
    """The gateway in front of MACHETE and its tools, as users reach it."""

    mode: str
    reachable: bool
    detail: str | None
    # The dashboard's public address and what a tool's address looks like (None when off).
    url: str | None
    tool_url_example: str | None
    # The local CA's root certificate can be downloaded (TLS `internal`).
    serves_root_certificate: bool


@dataclass(frozen=True)
class SystemInfo:
    version: str
    mode: str
    database: DatabaseStatus
    docker: DockerStatus
    git: GitStatus
    worker: WorkerStatus
    gateway: GatewayReport


# Probing Docker and git costs a client and a subprocess; callers polling `system` share one.
PROBE_CACHE = timedelta(seconds=5)


class SystemService:
    def __init__(
        self,
        mode: str,
        database: DatabaseProbe,
        engine: ContainerEngine,
        git: SourceControl,
        clock: Clock,
        gateway: Gateway,
        addresses: PublicAddresses,
        worker: WorkerProbe | None = None,
    ) -> None:
        self._mode = mode
        self._gateway = gateway
        self._addresses = addresses
        self._database = database
        self._engine = engine
        self._git = git
        self._clock = clock
        self._worker = worker
        self._tools: tuple[datetime, str | None, str | None] | None = None
        self._lock = asyncio.Lock()

    async def database_reachable(self) -> bool:
        return await self._database.is_reachable()

    async def info(self) -> SystemInfo:
        reachable, (docker_version, git_version), gateway = await asyncio.gather(
            self._database.is_reachable(), self._tool_versions(), self._gateway_report()
        )
        return SystemInfo(
            version=PLATFORM_VERSION,
            mode=self._mode,
            database=DatabaseStatus(self._database.dialect, reachable),
            docker=DockerStatus(
                docker_version is not None, docker_version, await self._network_mode()
            ),
            git=GitStatus(git_version),
            worker=WorkerStatus(
                self._worker.concurrency if self._worker else 0,
                self._worker.running_builds if self._worker else 0,
            ),
            gateway=gateway,
        )

    async def _gateway_report(self) -> GatewayReport:
        status = await self._gateway.status()
        enabled = self._addresses.enabled
        try:
            certificate = await self._gateway.root_certificate() if status.reachable else None
        except DomainError:
            certificate = None
        return GatewayReport(
            mode=status.mode,
            reachable=status.reachable,
            detail=status.detail,
            url=self._addresses.dashboard_url + "/" if enabled else None,
            tool_url_example=self._addresses.tool_url_for_name("<tool>") if enabled else None,
            serves_root_certificate=certificate is not None,
        )

    async def _network_mode(self) -> str | None:
        try:
            return (await self._engine.network_mode()).value
        except DomainError:
            return None

    async def _tool_versions(self) -> tuple[str | None, str | None]:
        async with self._lock:
            now = self._clock.now()
            if self._tools is None or now - self._tools[0] > PROBE_CACHE:
                docker, git = await asyncio.gather(
                    self._engine.engine_version(), self._git.client_version()
                )
                self._tools = (now, docker, git)
            return self._tools[1], self._tools[2]

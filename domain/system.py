"""What the platform runs on: its version and whether its dependencies answer."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from domain.clock import Clock
from domain.errors import DomainError
from domain.ports import ContainerEngine, DatabaseProbe, SourceControl
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
class SystemInfo:
    version: str
    mode: str
    database: DatabaseStatus
    docker: DockerStatus
    git: GitStatus
    worker: WorkerStatus


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
        worker: WorkerProbe | None = None,
    ) -> None:
        self._mode = mode
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
        reachable, (docker_version, git_version) = await asyncio.gather(
            self._database.is_reachable(), self._tool_versions()
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

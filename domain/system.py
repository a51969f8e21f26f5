"""What the platform runs on: its version and whether its dependencies answer."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

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


@dataclass(frozen=True)
class GitStatus:
    version: str | None


@dataclass(frozen=True)
class SystemInfo:
    version: str
    mode: str
    database: DatabaseStatus
    docker: DockerStatus
    git: GitStatus


class SystemService:
    def __init__(
        self, mode: str, database: DatabaseProbe, engine: ContainerEngine, git: SourceControl
    ) -> None:
        self._mode = mode
        self._database = database
        self._engine = engine
        self._git = git

    async def database_reachable(self) -> bool:
        return await self._database.is_reachable()

    async def info(self) -> SystemInfo:
        reachable, docker_version, git_version = await asyncio.gather(
            self._database.is_reachable(), self._engine.engine_version(), self._git.client_version()
        )
        return SystemInfo(
            version=PLATFORM_VERSION,
            mode=self._mode,
            database=DatabaseStatus(self._database.dialect, reachable),
            docker=DockerStatus(docker_version is not None, docker_version),
            git=GitStatus(git_version),
        )

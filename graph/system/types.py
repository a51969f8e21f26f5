from __future__ import annotations

import strawberry

from domain.system import SystemInfo


@strawberry.type
class DatabaseInfo:
    dialect: str
    reachable: bool


@strawberry.type
class DockerInfo:
    reachable: bool
    version: str | None


@strawberry.type
class GitInfo:
    version: str | None


@strawberry.type(description="The in-process build worker of the answering server.")
class WorkerInfo:
    concurrency: int
    running_builds: int


@strawberry.type(name="SystemInfo")
class SystemInfoType:
    version: str
    mode: str
    database: DatabaseInfo
    docker: DockerInfo
    git: GitInfo
    worker: WorkerInfo

    @classmethod
    def from_domain(cls, info: SystemInfo) -> SystemInfoType:
        return cls(
            version=info.version,
            mode=info.mode,
            database=DatabaseInfo(dialect=info.database.dialect, reachable=info.database.reachable),
            docker=DockerInfo(reachable=info.docker.reachable, version=info.docker.version),
            git=GitInfo(version=info.git.version),
            worker=WorkerInfo(
                concurrency=info.worker.concurrency, running_builds=info.worker.running_builds
            ),
        )

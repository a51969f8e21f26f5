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
    network_mode: str | None = strawberry.field(
        description="How tools are networked: `bridge` (ports published on 127.0.0.1) or "
        "`host` (tools share the host's network, loopback included)."
    )


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
            docker=DockerInfo(
                reachable=info.docker.reachable,
                version=info.docker.version,
                network_mode=info.docker.network_mode,
            ),
            git=GitInfo(version=info.git.version),
            worker=WorkerInfo(
                concurrency=info.worker.concurrency, running_builds=info.worker.running_builds
            ),
        )

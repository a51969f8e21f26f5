from __future__ import annotations

import strawberry

from domain.system import SystemInfo

ROOT_CERTIFICATE_PATH = "/_machete/ca.pem"


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


@strawberry.type(description="The gateway in front of MACHETE and its tools.")
class GatewayInfo:
    mode: str = strawberry.field(description="`embedded`, `external` or `off`.")
    reachable: bool
    detail: str | None
    url: str | None = strawberry.field(description="The dashboard's public address.")
    tool_url_example: str | None = strawberry.field(
        description="What a tool's address looks like, `<tool>` standing for its name."
    )
    root_certificate_path: str | None = strawberry.field(
        description="Where to download the local CA's root certificate (TLS `internal`)."
    )


@strawberry.type(name="SystemInfo")
class SystemInfoType:
    version: str
    mode: str
    database: DatabaseInfo
    docker: DockerInfo
    git: GitInfo
    worker: WorkerInfo
    gateway: GatewayInfo

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
            gateway=GatewayInfo(
                mode=info.gateway.mode,
                reachable=info.gateway.reachable,
                detail=info.gateway.detail,
                url=info.gateway.url,
                tool_url_example=info.gateway.tool_url_example,
                root_certificate_path=(
                    ROOT_CERTIFICATE_PATH if info.gateway.serves_root_certificate else None
                ),
            ),
        )

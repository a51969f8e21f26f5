"""The adapters, built from settings: the real implementations of the domain's ports, and
the resources behind them that the process opens and closes (database, event bus, Docker)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from domain.ports import Gateway
from domain.services import Adapters
from domain.tools.policy import MIB
from domain.version import PLATFORM_VERSION
from infra.db.engine import SqlAlchemyDatabaseProbe, create_engine, create_session_factory
from infra.db.unit_of_work import SqlAlchemyUnitOfWork
from infra.docker.engine import DockerContainerEngine
from infra.events.choice import LiveEventBus, create_event_bus
from infra.files.tool_files import LocalToolFiles
from infra.gateway.caddy.gateway import CaddyGateway
from infra.gateway.factory import GatewaySupervisor, build_gateway
from infra.git.source_control import GitPythonSourceControl
from infra.health.http_probe import HttpxHealthProbe
from infra.manifest.loader import YamlManifestLoader
from infra.net.port_probe import SocketPortProbe
from infra.security.argon2_hasher import Argon2PasswordHasher
from infra.security.failure_counter import InMemoryFailureCounter
from infra.security.jwt_codec import PyJWTCodec
from infra.security.secret_cipher import FernetSecretCipher
from infra.settings import Settings
from infra.worker.background import TaskSupervisor
from infra.worker.link import WorkerLink


@dataclass(frozen=True)
class Resources:
    """What the adapters hold open: started and closed with the process."""

    database: AsyncEngine
    events: LiveEventBus
    docker: DockerContainerEngine
    tasks: TaskSupervisor
    worker_link: WorkerLink
    gateway: Gateway
    # Embedded only: keeps MACHETE's own Caddy running (which outlives this process).
    gateway_supervisor: GatewaySupervisor | None = None

    async def close(self) -> None:
        """After the tasks (the application closes those first: they may use all of these)."""
        if self.gateway_supervisor is not None:
            await self.gateway_supervisor.close()
        if isinstance(self.gateway, CaddyGateway):
            await self.gateway.aclose()
        await self.events.close()
        await asyncio.to_thread(self.docker.close)
        await self.database.dispose()


def build_adapters(settings: Settings, clock: Clock) -> tuple[Adapters, Resources]:
    settings.ensure_data_dir()
    database = create_engine(settings.resolved_database_url)
    session_factory = create_session_factory(database)
    events = create_event_bus(settings)

    def unit_of_work(*, read_only: bool = False) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(session_factory, read_only=read_only, events=events)

    docker = DockerContainerEngine(network_mode=settings.network_mode.value)
    tasks, link = TaskSupervisor(), WorkerLink()
    gateway, gateway_supervisor = build_gateway(settings)
    adapters = Adapters(
        unit_of_work=unit_of_work,
        clock=clock,
        password_hasher=Argon2PasswordHasher(),
        access_tokens=PyJWTCodec(
            secret_key=settings.resolved_secret_key(),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl=timedelta(seconds=settings.access_token_ttl_seconds),
        ),
        sign_in_failures=InMemoryFailureCounter(),
        container_engine=docker,
        source_control=GitPythonSourceControl(
            settings.workspaces_dir,
            timeout_seconds=settings.clone_timeout_seconds,
            max_size_bytes=settings.max_repo_size_mb * MIB,
        ),
        manifests=YamlManifestLoader(PLATFORM_VERSION),
        tool_files=LocalToolFiles(settings.tools_dir),
        secret_cipher=FernetSecretCipher(settings.resolved_secret_key()),
        health_probe=HttpxHealthProbe(),
        port_probe=SocketPortProbe(),
        database=SqlAlchemyDatabaseProbe(database),
        events=events,
        background=tasks,
        build_signals=link,
        worker=link,
        gateway=gateway,
    )
    resources = Resources(database, events, docker, tasks, link, gateway, gateway_supervisor)
    return adapters, resources

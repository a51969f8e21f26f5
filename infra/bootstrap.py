"""The composition root: wires adapters into services for the app, the CLI and the tests."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.auth.api_tokens import ApiTokenService
from domain.auth.authenticator import Authenticator
from domain.auth.browser_binding import BrowserBinding
from domain.auth.sessions import SessionService
from domain.auth.throttle import SignInThrottle, ThrottlePolicy
from domain.builds.log_feed import BuildLogFeed
from domain.builds.pipeline import BuildPipeline
from domain.builds.service import BuildService
from domain.builds.status_feed import BuildStatusFeed
from domain.clock import Clock, SystemClock
from domain.errors import DomainError, FeedClosed, FeedLagged
from domain.events import BUILD_QUEUE
from domain.ports import UnitOfWorkFactory
from domain.runtime.model import NetworkMode
from domain.system import SystemService
from domain.tools.build_requests import BuildRequests
from domain.tools.catalog import ToolCatalog
from domain.tools.configuration import ToolConfiguration
from domain.tools.containers import ContainerKeeper
from domain.tools.health_monitor import HealthMonitor
from domain.tools.installation import ToolInstaller
from domain.tools.lifecycle import ToolLifecycle
from domain.tools.output import ToolOutput
from domain.tools.status_feed import ToolStatusFeed
from domain.users.service import UserService
from infra.db.engine import SqlAlchemyDatabaseProbe, create_engine, create_session_factory
from infra.db.leadership import ToolMonitorLeadership
from infra.db.migrate import is_at_head, upgrade_to_head_async
from infra.db.unit_of_work import SqlAlchemyUnitOfWork
from infra.docker.engine import DockerContainerEngine
from infra.events.choice import LiveEventBus, create_event_bus
from infra.net.port_probe import SocketPortProbe
from infra.security.argon2_hasher import Argon2PasswordHasher
from infra.security.failure_counter import InMemoryFailureCounter
from infra.security.jwt_codec import PyJWTCodec
from infra.settings import Mode, Settings
from infra.tool_wiring import build_limits, tool_adapters, tool_policy
from infra.worker.background import TaskSupervisor, every
from infra.worker.build_worker import BuildWorker

logger = logging.getLogger(__name__)


class DatabaseNotMigrated(RuntimeError):
    pass


class InvalidAdminSettings(RuntimeError):
    pass


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    unit_of_work: UnitOfWorkFactory
    leadership: ToolMonitorLeadership
    clock: Clock
    users: UserService
    sessions: SessionService
    api_tokens: ApiTokenService
    authenticator: Authenticator
    system: SystemService
    tools: ToolCatalog
    installer: ToolInstaller
    configuration: ToolConfiguration
    lifecycle: ToolLifecycle
    build_requests: BuildRequests
    builds: BuildService
    build_log_feed: BuildLogFeed
    build_status_feed: BuildStatusFeed
    tool_status_feed: ToolStatusFeed
    worker: BuildWorker
    health: HealthMonitor
    containers: ContainerKeeper
    output: ToolOutput
    background: TaskSupervisor
    docker: DockerContainerEngine
    events: LiveEventBus

    async def report_network_mode(self) -> None:
        """Say loudly when tools share the host's network (and so its loopback services)."""
        try:
            mode = await self.docker.network_mode()
        except DomainError as error:
            logger.warning("the Docker engine is not reachable yet: %s", error.message)
            return
        if mode is NetworkMode.HOST:
            logger.warning(
                "tools run with host networking (MACHETE_NETWORK_MODE=%s): they can reach every "
                "service listening on this host, loopback included",
                self.settings.network_mode.value,
            )

    def start_background_work(self) -> None:
        """The build worker and the tool monitor, in processes that build (worker slots > 0).

        An API replica with no worker slots leaves both to the `machete worker` processes, so
        replicas do not reconcile the same containers at once.
        """
        if not self.worker.concurrency:
            return
        self.worker.start()
        self.background.spawn("build queue listener", self._wake_worker_when_queued)
        interval = self.settings.health_check_interval_seconds

        async def keep_tools_running() -> None:
            if await self.leadership.leads():
                await self.containers.reconcile_all()
                await self.health.check_all()

        self.background.spawn(
            "tool monitor", lambda: every(interval, keep_tools_running, "tool monitor")
        )

    async def _wake_worker_when_queued(self) -> None:
        # Builds queued by another process (an API replica) start without waiting for a poll.
        while True:
            try:
                with self.events.subscribe([BUILD_QUEUE]) as queue:
                    while True:
                        await queue.next()
                        queue.drain()
                        self.worker.build_queued()
            except FeedLagged:
                continue
            except FeedClosed:
                return

    async def close(self) -> None:
        await self.worker.stop()
        await self.background.close()
        await self.leadership.close()
        await self.events.close()
        await asyncio.to_thread(self.docker.close)
        await self.engine.dispose()


def throttle_policy(settings: Settings) -> ThrottlePolicy:
    return ThrottlePolicy(
        max_failures_per_account=settings.sign_in_max_failures_per_account,
        max_failures_per_client=settings.sign_in_max_failures_per_client,
        max_failures_account_wide=settings.sign_in_max_failures_account_wide,
        window=timedelta(seconds=settings.sign_in_failure_window_seconds),
    )


def build_container(settings: Settings, clock: Clock | None = None) -> Container:
    clock = clock or SystemClock()
    settings.ensure_data_dir()
    engine = create_engine(settings.resolved_database_url)
    session_factory = create_session_factory(engine)
    events = create_event_bus(settings)

    def unit_of_work(*, read_only: bool = False) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(session_factory, read_only=read_only, events=events)

    hasher = Argon2PasswordHasher()
    codec = PyJWTCodec(
        secret_key=settings.resolved_secret_key(),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=timedelta(seconds=settings.access_token_ttl_seconds),
    )
    policy = tool_policy(settings)
    adapters = tool_adapters(settings, policy, clock)
    docker_engine, source_control, manifests = adapters.docker, adapters.source, adapters.manifests
    files, cipher, runtime = adapters.files, adapters.cipher, adapters.runtime
    pipeline = BuildPipeline(
        unit_of_work,
        source_control,
        manifests,
        docker_engine,
        runtime,
        clock,
        build_limits(settings),
    )
    worker = BuildWorker(
        unit_of_work,
        pipeline,
        clock,
        concurrency=settings.worker_concurrency,
        lease_seconds=settings.build_lease_seconds,
    )
    background = TaskSupervisor()
    builds = BuildService(unit_of_work)
    tools = ToolCatalog(unit_of_work)
    build_requests = BuildRequests(unit_of_work, docker_engine, worker, policy, clock)
    return Container(
        settings=settings,
        engine=engine,
        unit_of_work=unit_of_work,
        leadership=ToolMonitorLeadership(engine),
        clock=clock,
        users=UserService(unit_of_work, hasher, clock),
        sessions=SessionService(
            unit_of_work,
            hasher,
            codec,
            clock,
            timedelta(seconds=settings.refresh_token_ttl_seconds),
            SignInThrottle(InMemoryFailureCounter(), throttle_policy(settings)),
            BrowserBinding(binding_key(settings)),
        ),
        api_tokens=ApiTokenService(unit_of_work, clock),
        authenticator=Authenticator(unit_of_work, codec, clock),
        system=SystemService(
            settings.mode.value,
            SqlAlchemyDatabaseProbe(engine),
            docker_engine,
            source_control,
            clock,
            worker,
        ),
        tools=tools,
        configuration=ToolConfiguration(unit_of_work, cipher, clock),
        installer=ToolInstaller(
            unit_of_work,
            source_control,
            manifests,
            cipher,
            SocketPortProbe(),
            worker,
            policy,
            clock,
        ),
        lifecycle=ToolLifecycle(
            unit_of_work, docker_engine, runtime, files, build_requests, background, clock
        ),
        build_requests=build_requests,
        builds=builds,
        build_log_feed=BuildLogFeed(builds, events),
        build_status_feed=BuildStatusFeed(builds, events),
        tool_status_feed=ToolStatusFeed(tools, events),
        worker=worker,
        health=HealthMonitor(
            unit_of_work,
            runtime,
            clock,
            settings.health_history_size,
            starting_grace=timedelta(seconds=settings.health_check_timeout_seconds + 30),
        ),
        containers=ContainerKeeper(unit_of_work, docker_engine, runtime),
        output=ToolOutput(unit_of_work, docker_engine, clock),
        background=background,
        docker=docker_engine,
        events=events,
    )


def binding_key(settings: Settings) -> bytes:
    """The key of browser sessions' binding proofs, derived from (never equal to) the secret."""
    secret = settings.resolved_secret_key().encode()
    return hmac.new(secret, b"machete browser session binding", hashlib.sha256).digest()


async def prepare_database(container: Container) -> None:
    """Development migrates on start; production insists on an explicit `machete db upgrade`."""
    url = container.settings.resolved_database_url
    if container.settings.mode is Mode.DEVELOPMENT:
        await upgrade_to_head_async(url)
    elif not await is_at_head(container.engine, url):
        raise DatabaseNotMigrated(
            "The database schema is not up to date; run `machete db upgrade` first."
        )


async def create_admin_from_environment(container: Container) -> None:
    """Create the admin named by MACHETE_ADMIN_* when no active admin exists yet."""
    settings = container.settings
    if not settings.admin_username or settings.admin_password is None:
        return
    email = settings.admin_email or f"{settings.admin_username}@localhost"
    try:
        created = await container.users.ensure_admin(
            settings.admin_username, email, settings.admin_password.get_secret_value()
        )
    except DomainError as error:
        raise InvalidAdminSettings(
            f"MACHETE_ADMIN_* does not describe a valid admin: {error}"
        ) from None
    if created is not None:
        logger.info("created admin %r from the environment", created.username)

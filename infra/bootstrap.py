"""The composition root: adapters from settings (`infra/adapters.py`), services from adapters
(`domain/services.py`), the background work from services; used by `machete serve`,
`machete worker`, the CLI and the tests."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock, SystemClock
from domain.containers import NetworkMode
from domain.errors import DomainError
from domain.ports import UnitOfWorkFactory
from domain.services import Adapters, Services, build_services
from infra.adapters import Resources, build_adapters
from infra.db.leadership import ToolMonitorLeadership
from infra.db.migrate import is_at_head, upgrade_to_head_async
from infra.events.choice import LiveEventBus
from infra.gateway.host_network import host_network_warnings
from infra.service_settings import service_settings
from infra.settings import Mode, Settings
from infra.worker.background_work import BackgroundWork
from infra.worker.build_worker import BuildWorker
from infra.worker.queue_listener import QueueListener
from infra.worker.route_follower import RouteFollower
from infra.worker.tool_monitor import ToolMonitor

logger = logging.getLogger(__name__)


class DatabaseNotMigrated(RuntimeError):
    pass


class InvalidAdminSettings(RuntimeError):
    pass


@dataclass(frozen=True)
class Application:
    """One MACHETE process: its settings, adapters and their resources, the services, and
    the background work it runs if it builds."""

    settings: Settings
    adapters: Adapters
    resources: Resources
    services: Services
    background: BackgroundWork
    leadership: ToolMonitorLeadership

    @property
    def unit_of_work(self) -> UnitOfWorkFactory:
        return self.adapters.unit_of_work

    @property
    def clock(self) -> Clock:
        return self.adapters.clock

    @property
    def database(self) -> AsyncEngine:
        return self.resources.database

    @property
    def events(self) -> LiveEventBus:
        return self.resources.events

    async def report_network_mode(self) -> None:
        """Say loudly when tools share the host's network (and so its loopback services)."""
        try:
            mode = await self.resources.docker.network_mode()
        except DomainError as error:
            logger.warning("the Docker engine is not reachable yet: %s", error.message)
            return
        if mode is NetworkMode.HOST:
            logger.warning(
                "tools run with host networking (MACHETE_NETWORK_MODE=%s): they can reach every "
                "service listening on this host, loopback included",
                self.settings.network_mode.value,
            )
            for warning in host_network_warnings(self.settings):
                logger.warning("%s", warning)

    def start_background_work(self) -> None:
        self.background.start()

    async def start_gateway(self) -> None:
        """Have the gateway serve the routes (embedded: adopt or start MACHETE's Caddy, and
        start it again whenever it dies), and keep them following the tools."""
        if not self.settings.gateway_enabled:
            return
        routes = self.services.routes
        supervisor = self.resources.gateway_supervisor
        if supervisor is not None:
            await supervisor.start(on_restart=routes.try_apply)
        follower = RouteFollower(
            self.resources.events, routes, self.settings.health_check_interval_seconds
        )
        self.resources.tasks.spawn("gateway routes", follower.run)

    async def close(self) -> None:
        await self.background.stop()
        await self.resources.tasks.close()  # before the leadership and resources they use
        await self.leadership.close()
        await self.resources.close()


def bootstrap(settings: Settings, clock: Clock | None = None) -> Application:
    adapters, resources = build_adapters(settings, clock or SystemClock())
    services = build_services(adapters, service_settings(settings))
    worker = BuildWorker(
        adapters.unit_of_work,
        services.pipeline,
        services.recovery,
        adapters.clock,
        concurrency=settings.worker_concurrency,
        lease_seconds=settings.build_lease_seconds,
    )
    resources.worker_link.attach(worker)
    leadership = ToolMonitorLeadership(resources.database)
    monitor = ToolMonitor(
        leadership, services.reconciler, services.health, settings.health_check_interval_seconds
    )
    background = BackgroundWork(
        worker, QueueListener(resources.events, worker), monitor, resources.tasks
    )
    return Application(settings, adapters, resources, services, background, leadership)


async def prepare_database(application: Application) -> None:
    """Development migrates on start; production insists on an explicit `machete db upgrade`."""
    url = application.settings.resolved_database_url
    if application.settings.mode is Mode.DEVELOPMENT:
        await upgrade_to_head_async(url)
    elif not await is_at_head(application.database, url):
        raise DatabaseNotMigrated(
            "The database schema is not up to date; run `machete db upgrade` first."
        )


async def create_admin_from_environment(application: Application) -> None:
    """Create the admin named by MACHETE_ADMIN_* when no active admin exists yet."""
    settings = application.settings
    if not settings.admin_username or settings.admin_password is None:
        return
    email = settings.admin_email or f"{settings.admin_username}@localhost"
    try:
        created = await application.services.users.ensure_admin(
            settings.admin_username, email, settings.admin_password.get_secret_value()
        )
    except DomainError as error:
        raise InvalidAdminSettings(
            f"MACHETE_ADMIN_* does not describe a valid admin: {error}"
        ) from None
    if created is not None:
        logger.info("created admin %r from the environment", created.username)

"""The composition of the use cases: every service, built from the ports it talks through.

`infra/bootstrap.py` hands `build_services` the real adapters; the unit tests hand it fakes.
Nothing else constructs a service, so what each one depends on can be read here, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from domain.auth.api_tokens import ApiTokenService
from domain.auth.authenticator import Authenticator
from domain.auth.browser_binding import BrowserBinding
from domain.auth.sessions import SessionService
from domain.auth.throttle import FailureCounter, SignInThrottle, ThrottlePolicy
from domain.builds.catalog import BuildCatalog
from domain.builds.log_feed import BuildLogFeed
from domain.builds.pipeline import BuildLimits, BuildPipeline
from domain.builds.recovery import BuildRecovery
from domain.builds.requests import BuildRequests
from domain.builds.status_feed import BuildStatusFeed
from domain.clock import Clock
from domain.gateway.addresses import PublicAddresses
from domain.gateway.gate import ToolGate
from domain.gateway.passes import ToolPasses
from domain.gateway.sync import RouteSync
from domain.ports import (
    AccessTokenCodec,
    BackgroundTasks,
    BuildSignals,
    ContainerEngine,
    DatabaseProbe,
    EventBus,
    Gateway,
    HealthProbe,
    ManifestLoader,
    PasswordHasher,
    PortProbe,
    SecretCipher,
    SourceControl,
    ToolFiles,
    UnitOfWorkFactory,
)
from domain.system import SystemService, WorkerProbe
from domain.tools.catalog import ToolCatalog
from domain.tools.configuration import ToolConfiguration
from domain.tools.exposure import ToolExposure
from domain.tools.health_monitor import HealthMonitor
from domain.tools.host_ports import HostPortReservations
from domain.tools.installation import ToolInstaller
from domain.tools.launcher import ToolLauncher
from domain.tools.lifecycle import ToolLifecycle
from domain.tools.output import ToolOutput
from domain.tools.policy import ToolPolicy
from domain.tools.reconciler import ToolReconciler
from domain.tools.status_feed import ToolStatusFeed
from domain.tools.switch import ToolSwitcher
from domain.users.service import UserService


@dataclass(frozen=True)
class Adapters:
    """What the services talk to outside the domain, each seen only through its port."""

    unit_of_work: UnitOfWorkFactory
    clock: Clock
    password_hasher: PasswordHasher
    access_tokens: AccessTokenCodec
    sign_in_failures: FailureCounter
    container_engine: ContainerEngine
    source_control: SourceControl
    manifests: ManifestLoader
    tool_files: ToolFiles
    secret_cipher: SecretCipher
    health_probe: HealthProbe
    port_probe: PortProbe
    database: DatabaseProbe
    events: EventBus
    background: BackgroundTasks
    # This process's line to its build worker (if it runs one).
    build_signals: BuildSignals
    gateway: Gateway
    worker: WorkerProbe | None = None


@dataclass(frozen=True)
class ServiceSettings:
    """The operator's choices that the services apply (infra reads them from the environment)."""

    # Signs browser sessions' binding proofs: derived from the server's secret, never defaulted.
    browser_binding_key: bytes
    # Signs the tickets and passes that sign browsers in on tools' hosts (derived likewise).
    tool_pass_key: bytes
    mode: str = "development"
    tool_policy: ToolPolicy = field(default_factory=ToolPolicy)
    build_limits: BuildLimits = field(default_factory=BuildLimits)
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    refresh_token_ttl: timedelta = timedelta(days=30)
    health_history_size: int = 50
    # How long a tool may stay STARTING before the health monitor settles it itself.
    starting_grace: timedelta = timedelta(minutes=2)
    addresses: PublicAddresses = field(default_factory=PublicAddresses)


@dataclass(frozen=True)
class Services:
    """The use cases: what the API and the CLI call, and what the background work runs."""

    users: UserService
    sessions: SessionService
    api_tokens: ApiTokenService
    authenticator: Authenticator
    system: SystemService
    tools: ToolCatalog
    installer: ToolInstaller
    configuration: ToolConfiguration
    exposure: ToolExposure
    lifecycle: ToolLifecycle
    build_requests: BuildRequests
    output: ToolOutput
    builds: BuildCatalog
    build_log_feed: BuildLogFeed
    build_status_feed: BuildStatusFeed
    tool_status_feed: ToolStatusFeed
    # Run by the background work of a process that builds.
    pipeline: BuildPipeline
    recovery: BuildRecovery
    health: HealthMonitor
    reconciler: ToolReconciler
    routes: RouteSync
    gate: ToolGate


def build_services(adapters: Adapters, settings: ServiceSettings) -> Services:
    a, s = adapters, settings
    uow, clock = a.unit_of_work, a.clock
    launcher = ToolLauncher(
        a.container_engine,
        a.tool_files,
        a.health_probe,
        a.secret_cipher,
        s.tool_policy,
        clock,
        s.addresses,
    )
    reconciler = ToolReconciler(uow, a.container_engine, launcher, clock)
    routes = RouteSync(uow, a.gateway, s.addresses)
    # One per process: the ports its switches hold, which its installs must not take either.
    reservations = HostPortReservations()
    switcher = ToolSwitcher(
        uow,
        a.container_engine,
        launcher,
        a.tool_files,
        routes,
        reservations,
        a.port_probe,
        s.tool_policy,
    )
    build_requests = BuildRequests(uow, a.container_engine, a.build_signals, s.tool_policy, clock)
    builds = BuildCatalog(uow)
    tools = ToolCatalog(uow)
    authenticator = Authenticator(uow, a.access_tokens, clock)
    routes = RouteSync(uow, a.gateway, s.addresses)
    return Services(
        users=UserService(uow, a.password_hasher, clock),
        sessions=SessionService(
            uow,
            a.password_hasher,
            a.access_tokens,
            clock,
            s.refresh_token_ttl,
            SignInThrottle(a.sign_in_failures, s.throttle),
            BrowserBinding(s.browser_binding_key),
        ),
        api_tokens=ApiTokenService(uow, clock),
        authenticator=authenticator,
        system=SystemService(
            s.mode,
            a.database,
            a.container_engine,
            a.source_control,
            clock,
            a.gateway,
            s.addresses,
            a.worker,
        ),
        tools=tools,
        installer=ToolInstaller(
            uow,
            a.source_control,
            a.manifests,
            a.secret_cipher,
            a.port_probe,
            reservations,
            a.build_signals,
            s.tool_policy,
            clock,
        ),
        configuration=ToolConfiguration(uow, a.secret_cipher, clock),
        exposure=ToolExposure(uow, routes, s.addresses, clock),
        lifecycle=ToolLifecycle(
            uow,
            a.container_engine,
            launcher,
            a.tool_files,
            build_requests,
            reconciler,
            switcher,
            routes,
            a.background,
            clock,
        ),
        build_requests=build_requests,
        output=ToolOutput(uow, a.container_engine, clock),
        builds=builds,
        build_log_feed=BuildLogFeed(builds, a.events),
        build_status_feed=BuildStatusFeed(builds, a.events),
        tool_status_feed=ToolStatusFeed(tools, a.events),
        pipeline=BuildPipeline(
            uow,
            a.source_control,
            a.manifests,
            a.container_engine,
            launcher,
            switcher,
            clock,
            s.build_limits,
        ),
        recovery=BuildRecovery(uow, clock),
        health=HealthMonitor(
            uow, launcher, clock, s.health_history_size, starting_grace=s.starting_grace
        ),
        reconciler=reconciler,
        routes=routes,
        gate=ToolGate(uow, authenticator, ToolPasses(s.tool_pass_key, clock), s.addresses),
    )

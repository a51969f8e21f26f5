"""In-memory fakes of the engine, git, manifest, file and probe ports, and a `ToolWorld`
that wires the services over them and the fake store."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from domain.auth.throttle import ThrottlePolicy
from domain.builds.model import Build, BuildStatus, LogStream
from domain.builds.pipeline import BuildControl, BuildLimits, BuildPipeline
from domain.builds.requests import BuildRequests
from domain.checkouts import Checkout, SourceSpec
from domain.containers import (
    ContainerOutput,
    ContainerSpec,
    ContainerState,
    HealthResult,
    ImageBuild,
    LogSink,
    Mount,
    NetworkMode,
)
from domain.errors import DomainError, EngineError, ErrorCode, NotFound
from domain.gateway.addresses import PublicAddresses, Upstream
from domain.gateway.routes import RouteTable
from domain.manifest.model import Category, Manifest, Volume
from domain.ports import GatewayStatus
from domain.services import Adapters, Services, ServiceSettings, build_services
from domain.tools.catalog import ToolCatalog
from domain.tools.commands import InstallTool
from domain.tools.configuration import ToolConfiguration
from domain.tools.installation import ToolInstaller
from domain.tools.lifecycle import ToolLifecycle
from domain.tools.model import Tool
from domain.tools.mount_sharing import redirect_risk
from domain.tools.policy import ToolPolicy
from domain.users.model import Role, User
from infra.events.in_process import InProcessEventBus
from infra.security.failure_counter import InMemoryFailureCounter
from infra.security.jwt_codec import PyJWTCodec
from tests.unit.fake_store import FakeUnitOfWork, Store
from tests.unit.fakes import FakeClock, FakePasswordHasher

COMMIT_SHA = "a" * 40
UNIT_TOKEN_TTL = timedelta(minutes=15)
FAKE_ENGINE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


class FakeContainerEngine:
    def __init__(self) -> None:
        self.images: set[str] = set()
        self.containers: dict[str, ContainerState] = {}
        self.image_builds: list[ImageBuild] = []
        self.runs: list[ContainerSpec] = []
        self.stopped: list[str] = []
        self.started: list[str] = []
        self.removed: list[str] = []
        self.renamed: list[tuple[str, str]] = []
        # The spec each container was created from, by its current name.
        self.specs: dict[str, ContainerSpec] = {}
        self.build_output = ["Step 1/2 : FROM python:3.11-slim", "Step 2/2 : COPY . /app"]
        self.build_error: Exception | None = None  # a DomainError, or a bug
        self.build_seconds = 0.0
        self.build_started = asyncio.Event()
        self.container_started = asyncio.Event()
        self.keeps_running = True
        self.created_containers = 0
        self.starts = 0
        self.state_looks = 0
        # Called as a follow of `name`'s output ends, before the follower looks again.
        self.after_follow: Callable[[str], None] | None = None
        # What follow_output serves and what it records (see there).
        self.output: dict[str, list[ContainerOutput]] = {}
        self.follows: list[tuple[str, int | None, datetime | None]] = []
        self.open_follows = 0
        self.lines_sent = 0

    async def engine_version(self) -> str | None:
        return "fake-27.0"

    async def network_mode(self) -> NetworkMode:
        return NetworkMode.BRIDGE

    async def build_image(self, build: ImageBuild, on_line: LogSink) -> str:
        self.image_builds.append(build)
        self.build_started.set()
        for line in self.build_output:
            on_line(LogStream.STDOUT, line)
        if self.build_seconds:
            await asyncio.sleep(self.build_seconds)
        if self.build_error is not None:
            raise self.build_error
        self.images.add(build.tag)
        return f"sha256:{build.tag}"

    async def image_exists(self, tag: str) -> bool:
        return tag in self.images

    async def run_container(self, spec: ContainerSpec) -> str:
        self.runs.append(spec)
        await self.remove_container(spec.name)
        if spec.host_port in self.ports_in_use():
            # As Docker: a published port (or a host-network listener) is held by one only.
            message = f"port {spec.host_port} is already allocated"
            raise EngineError(message, code=ErrorCode.CONTAINER_START_FAILED)
        self.created_containers += 1
        container_id = f"container-{self.created_containers}"
        created = ContainerState(
            False,
            "created",
            None,
            spec.image,
            container_id,
            labels=dict(spec.labels),
            mounts=spec.mounts,
        )
        self.specs[spec.name] = spec
        self.containers[spec.name] = self._started(created, running=self.keeps_running)
        self.container_started.set()
        return container_id

    async def start_container(self, name: str) -> None:
        self.started.append(name)
        self.start_by_hand(name)

    def start_by_hand(self, name: str) -> None:
        """A new run of the same container (what `start_container` does, without a pause)."""
        self.containers[name] = self._started(self.containers[name], running=True)

    def _started(self, state: ContainerState, running: bool) -> ContainerState:
        """A new run, as Docker tells it: a later start time, the exit code cleared, and the
        restart count reset (a start by hand)."""
        self.starts += 1
        return dataclasses.replace(
            state,
            running=running,
            status="running" if running else "exited",
            exit_code=0 if running else 1,  # as Docker: 0 while it runs
            started_at=FAKE_ENGINE_EPOCH + timedelta(seconds=self.starts),
            restart_count=0,
            restarting=False,
        )

    def crash(self, name: str, exit_code: int, restart: bool = False) -> None:
        """The current run ends by itself; with `restart`, the restart policy will start it
        again: Docker then still says running, counts the restart, and keeps the start time
        of the run that crashed until the next one starts."""
        state = self.containers[name]
        self.containers[name] = dataclasses.replace(
            state,
            running=restart,
            status="restarting" if restart else "exited",
            exit_code=exit_code,
            restart_count=state.restart_count + int(restart),
            restarting=restart,
        )

    def start_by_policy(self, name: str) -> None:
        """The restart policy starts the next run (the restart count stays)."""
        count = self.containers[name].restart_count
        started = self._started(self.containers[name], running=True)
        self.containers[name] = dataclasses.replace(started, restart_count=count)

    async def stop_container(self, name: str, timeout_seconds: int = 10) -> None:
        self.stopped.append(name)
        if name in self.containers:
            state = self.containers[name]
            self.containers[name] = dataclasses.replace(
                state, running=False, status="exited", restarting=False
            )

    async def remove_container(self, name: str) -> None:
        if self.containers.pop(name, None) is not None:
            self.removed.append(name)
        self.specs.pop(name, None)

    async def rename_container(self, name: str, new_name: str) -> None:
        if name not in self.containers:
            raise EngineError(f"There is no container named {name}", code=ErrorCode.CONFLICT)
        if new_name in self.containers:
            raise EngineError(f"The name {new_name} is in use", code=ErrorCode.CONFLICT)
        self.renamed.append((name, new_name))
        self.containers[new_name] = self.containers.pop(name)
        if name in self.specs:
            self.specs[new_name] = self.specs.pop(name)
        if name in self.output:
            self.output[new_name] = self.output.pop(name)

    def ports_in_use(self) -> set[int]:
        """The host ports of the containers that run now."""
        return {
            self.specs[name].host_port
            for name, state in self.containers.items()
            if state.running and name in self.specs
        }

    def port_of(self, name: str) -> int:
        return self.specs[name].host_port

    async def container_state(self, name: str) -> ContainerState | None:
        self.state_looks += 1
        return self.containers.get(name)

    async def remove_image(self, tag: str) -> None:
        self.images.discard(tag)

    async def remove_tool_images(self, tool_name: str) -> None:
        self.images = {tag for tag in self.images if not tag.startswith(f"machete/{tool_name}:")}

    async def follow_output(
        self, name: str, *, tail: int | None, since: datetime | None = None
    ) -> AsyncGenerator[list[ContainerOutput], None]:
        """What tests put in `self.output[name]` (the container's whole log: a restart keeps
        it, a new container gets a new list): the last `tail` lines, none stamped before
        `since` (as Docker, the instant itself included), then lines added while the run
        it began on goes on. `self.follows` records each call's (name, tail, since),
        `self.lines_sent` counts the lines it handed out, `self.open_follows` the follows
        not yet closed."""
        self.follows.append((name, tail, since))
        if name not in self.containers:
            raise NotFound("The tool has no container.")
        self.open_follows += 1
        log = self.output.setdefault(name, [])
        run = self.containers[name].run
        sent = 0 if tail is None else max(len(log) - tail, 0)
        try:
            while True:
                if sent < len(log):
                    batch, sent = log[sent:], len(log)
                    batch = [line for line in batch if since is None or line.timestamp >= since]
                    self.lines_sent += len(batch)
                    if batch:
                        yield batch
                elif not self._prints(name, run):
                    return
                await asyncio.sleep(0.001)
        finally:
            self.open_follows -= 1
            if self.after_follow is not None:
                self.after_follow(name)

    def _prints(self, name: str, run: tuple[str | None, datetime | None]) -> bool:
        """The run a follow began on still goes on (Docker ends the stream with it)."""
        state = self.containers.get(name)
        return state is not None and state.prints and state.run == run


class FakeSourceControl:
    """Yields a checkout of a fixed directory; records what was fetched and whether it closed."""

    def __init__(self, directory: Path, commit_sha: str = COMMIT_SHA) -> None:
        self.directory = directory
        self.commit_sha = commit_sha
        self.fetched: list[SourceSpec] = []
        self.error: DomainError | None = None
        self.open_checkouts = 0

    async def client_version(self) -> str | None:
        return "fake-git 2.43"

    def checkout(
        self, source: SourceSpec, on_line: LogSink
    ) -> contextlib.AbstractAsyncContextManager[Checkout]:
        return self._checkout(source, on_line)

    @contextlib.asynccontextmanager
    async def _checkout(self, source: SourceSpec, on_line: LogSink) -> AsyncIterator[Checkout]:
        self.fetched.append(source)
        if self.error is not None:
            raise self.error
        on_line(LogStream.STDOUT, f"Fetched {self.commit_sha[:12]}")
        self.open_checkouts += 1
        try:
            yield Checkout(self.commit_sha, self.directory)
        finally:
            self.open_checkouts -= 1


def a_manifest(name: str = "hello", port: int = 8080, health_check: str = "/health") -> Manifest:
    return Manifest(
        name=name,
        version="1.0.0",
        description="Says hello",
        author=None,
        license=None,
        platform_version="1.0",
        category=Category.DEVOPS,
        port=port,
        health_check=health_check,
        environment={"GREETING": "hi"},
        volumes=(Volume("./data", "/app/data"),),
    )


class FakeManifestLoader:
    def __init__(self) -> None:
        self.manifest = a_manifest()
        self.error: DomainError | None = None
        self.loaded: list[Path] = []

    def load(self, directory: Path) -> Manifest:
        self.loaded.append(directory)
        if self.error is not None:
            raise self.error
        return self.manifest


class FakeToolFiles:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.removed: list[str] = []

    def mounts_for(self, tool_name: str, volumes: tuple[Volume, ...]) -> tuple[Mount, ...]:
        return tuple(
            Mount(self.root / tool_name / v.host_path, v.container_path, v.read_only)
            for v in volumes
        )

    def sharing_problem(
        self, tool_name: str, volumes: tuple[Volume, ...], running: tuple[Mount, ...]
    ) -> str | None:
        return redirect_risk(self.mounts_for(tool_name, volumes), running)

    def remove(self, tool_name: str) -> None:
        self.removed.append(tool_name)

    def exists(self, tool_name: str) -> bool:
        return tool_name not in self.removed


class FakeHealthProbe:
    """Answers with `results` in turn, repeating the last one."""

    def __init__(self) -> None:
        self.results = [HealthResult(healthy=True, status_code=200, latency_ms=3)]
        self.urls: list[str] = []

    async def check(self, url: str, timeout_seconds: float) -> HealthResult:
        self.urls.append(url)
        return self.results.pop(0) if len(self.results) > 1 else self.results[0]


class FakeSecretCipher:
    """Reversible and visibly not plaintext: a prefix and the reversed text."""

    PREFIX = b"sealed:"

    def encrypt(self, plaintext: str) -> bytes:
        return self.PREFIX + plaintext[::-1].encode()

    def decrypt(self, ciphertext: bytes) -> str:
        assert ciphertext.startswith(self.PREFIX), "not sealed by this cipher"
        return ciphertext.removeprefix(self.PREFIX).decode()[::-1]


class FakePortProbe:
    def __init__(self, busy: set[int] | None = None) -> None:
        self.busy = busy or set()

    def is_free(self, port: int) -> bool:
        return port not in self.busy


class FakeGateway:
    """Records every route table applied; `down` makes it unreachable."""

    def __init__(self) -> None:
        self.applied: list[RouteTable] = []
        self.in_flight_counts: dict[Upstream, int] = {}
        self.down = False

    @property
    def table(self) -> RouteTable | None:
        return self.applied[-1] if self.applied else None

    async def apply(self, table: RouteTable) -> None:
        self._reachable()
        self.applied.append(table)

    async def in_flight(self, upstream: Upstream) -> int:
        self._reachable()
        return self.in_flight_counts.get(upstream, 0)

    async def status(self) -> GatewayStatus:
        return GatewayStatus(mode="fake", reachable=not self.down)

    async def root_certificate(self) -> str | None:
        return None

    def _reachable(self) -> None:
        if self.down:
            raise DomainError("The gateway is down.", code=ErrorCode.GATEWAY_UNAVAILABLE)


class FakeDatabaseProbe:
    dialect = "fake"

    def __init__(self) -> None:
        self.reachable = True

    async def is_reachable(self) -> bool:
        return self.reachable


class FakeSignals:
    """Records each signal with the build ids committed at that moment."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.queued: list[set[uuid.UUID]] = []
        self.cancels: list[uuid.UUID] = []

    def build_queued(self) -> None:
        self.queued.append(set(self._store.builds))

    def cancel_requested(self, build_id: uuid.UUID) -> None:
        self.cancels.append(build_id)


class FakeBackground:
    def __init__(self) -> None:
        self.spawned: list[tuple[str, Callable[[], Awaitable[None]]]] = []

    def spawn(self, name: str, work: Callable[[], Awaitable[None]]) -> None:
        self.spawned.append((name, work))

    async def run_all(self) -> None:
        while self.spawned:
            _, work = self.spawned.pop(0)
            await work()


def a_user(role: Role = Role.MAINTAINER, name: str = "mara") -> User:
    now = datetime(2024, 5, 1, 12, 0)
    return User(name, f"{name}@example.com", "hashed", role, now, now)


@dataclass
class ToolWorld:
    """Every fake, and the services `domain.services.build_services` wires over them."""

    workspace: Path
    store: Store = field(default_factory=Store)
    clock: FakeClock = field(default_factory=FakeClock)
    engine: FakeContainerEngine = field(default_factory=FakeContainerEngine)
    manifests: FakeManifestLoader = field(default_factory=FakeManifestLoader)
    probe: FakeHealthProbe = field(default_factory=FakeHealthProbe)
    cipher: FakeSecretCipher = field(default_factory=FakeSecretCipher)
    ports: FakePortProbe = field(default_factory=FakePortProbe)
    background: FakeBackground = field(default_factory=FakeBackground)
    policy: ToolPolicy = field(
        default_factory=lambda: ToolPolicy(health_timeout_seconds=1.0, switch_settle_seconds=0)
    )
    hasher: FakePasswordHasher = field(default_factory=FakePasswordHasher)
    codec: PyJWTCodec = field(
        default_factory=lambda: PyJWTCodec("k" * 48, "machete", "machete-api", UNIT_TOKEN_TTL)
    )
    sign_in_failures: InMemoryFailureCounter = field(default_factory=InMemoryFailureCounter)
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    database: FakeDatabaseProbe = field(default_factory=FakeDatabaseProbe)
    gateway: FakeGateway = field(default_factory=FakeGateway)
    addresses: PublicAddresses = field(default_factory=PublicAddresses)
    events: InProcessEventBus = field(default_factory=InProcessEventBus)
    health_history_size: int = 50

    def __post_init__(self) -> None:
        self.source = FakeSourceControl(self.workspace / "checkout")
        self.files = FakeToolFiles(self.workspace / "data")
        self.signals = FakeSignals(self.store)
        self._services: Services | None = None

    def uow(self, *, read_only: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store, read_only=read_only)

    def adapters(self) -> Adapters:
        return Adapters(
            unit_of_work=self.uow,
            clock=self.clock,
            password_hasher=self.hasher,
            access_tokens=self.codec,
            sign_in_failures=self.sign_in_failures,
            container_engine=self.engine,
            source_control=self.source,
            manifests=self.manifests,
            tool_files=self.files,
            secret_cipher=self.cipher,
            health_probe=self.probe,
            port_probe=self.ports,
            database=self.database,
            events=self.events,
            background=self.background,
            build_signals=self.signals,
            gateway=self.gateway,
        )

    def services(self, limits: BuildLimits | None = None) -> Services:
        """The services as `infra.bootstrap` builds them, over these fakes (built once; other
        build limits get services of their own)."""
        if limits is not None:
            return build_services(self.adapters(), self.service_settings(limits))
        if self._services is None:
            self._services = build_services(self.adapters(), self.service_settings())
        return self._services

    def service_settings(self, limits: BuildLimits | None = None) -> ServiceSettings:
        return ServiceSettings(
            browser_binding_key=b"unit-test-binding-key",
            tool_pass_key=b"unit-test-tool-pass-key",
            addresses=self.addresses,
            tool_policy=self.policy,
            build_limits=limits or BuildLimits(),
            throttle=self.throttle,
            health_history_size=self.health_history_size,
        )

    def catalog(self) -> ToolCatalog:
        return self.services().tools

    def configuration(self) -> ToolConfiguration:
        return self.services().configuration

    def tool_service(self) -> ToolInstaller:
        return self.services().installer

    def build_requests(self) -> BuildRequests:
        return self.services().build_requests

    def lifecycle(self) -> ToolLifecycle:
        return self.services().lifecycle

    def pipeline(self, limits: BuildLimits | None = None) -> BuildPipeline:
        return self.services(limits).pipeline

    def tool(self, tool_id: uuid.UUID) -> Tool:
        return self.store.tools[tool_id]

    def build(self, build_id: uuid.UUID) -> Build:
        return self.store.builds[build_id]

    async def start_run(
        self, build_id: uuid.UUID, reached: asyncio.Event | None = None
    ) -> tuple[asyncio.Task[None], BuildControl]:
        """Run the build's pipeline in a task until the engine reaches `reached` (by default:
        the image build started)."""
        control = BuildControl()
        reached = reached or self.engine.build_started
        task = asyncio.create_task(self.pipeline().run(build_id, control))
        await asyncio.wait_for(reached.wait(), 5)
        return task, control

    @staticmethod
    async def stop_run(task: asyncio.Task[None], control: BuildControl, reason: str) -> None:
        """Cancel the run as the worker does, for `reason`, and wait for it to end."""
        control.stop_reason = reason
        task.cancel()
        await asyncio.wait_for(task, 5)

    async def claim(self, build_id: uuid.UUID, owner: str = "worker-1") -> Build:
        """Take the build under a lease, as a worker does."""
        async with self.uow() as uow:
            now = self.clock.now()
            build = await uow.builds.claim_next(owner, now, now + timedelta(minutes=1))
            assert build is not None and build.id == build_id, "another build was claimed"
            await uow.commit()
        return build

    async def put_build(self, build: Build, **changes: Any) -> Build:
        """Store a build as given (for states the services reach only through a worker)."""
        build = dataclasses.replace(build, **changes)
        async with self.uow() as uow:
            if await uow.builds.get(build.id) is None:
                await uow.builds.add(build)
            else:
                await uow.builds.save(build)
            await uow.commit()
        return build

    async def installed(self, name: str = "hello", *, built: bool = False) -> tuple[Tool, Build]:
        """A tool installed by a maintainer; `built` runs its first build to success."""
        command = InstallTool(f"https://git.example.com/team/{name}.git", ref="main", name=name)
        tool, build = await self.tool_service().install_tool(a_user(), command)
        if built:
            await self.claim(build.id)
            await self.pipeline().run(build.id, BuildControl())
            assert self.build(build.id).status is BuildStatus.SUCCEEDED
        return self.tool(tool.id), self.build(build.id)

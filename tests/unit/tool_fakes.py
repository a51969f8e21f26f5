"""In-memory fakes of the tool and build ports, and a `ToolWorld` that wires the services.

The unit of work keeps row-level changes and writes only the rows it touched on commit, so
two units of work open at once (the build's progress and its log writer) never erase each
other's writes; an uncommitted one leaves the store untouched, like a rolled-back transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, Self, TypeVar

from domain.builds.model import Build, BuildStatus, LogLine, LogStream
from domain.builds.pipeline import BuildControl, BuildLimits, BuildPipeline
from domain.errors import DomainError, ErrorCode, NotFound, ValidationFailed
from domain.manifest.model import Category, Manifest, Volume
from domain.ports import PageKey
from domain.runtime.model import (
    Checkout,
    ContainerOutput,
    ContainerSpec,
    ContainerState,
    HealthResult,
    ImageBuild,
    LogSink,
    Mount,
    NetworkMode,
    SourceSpec,
)
from domain.tools.build_requests import BuildRequests
from domain.tools.catalog import ToolCatalog
from domain.tools.commands import InstallTool
from domain.tools.configuration import ToolConfiguration
from domain.tools.installation import ToolInstaller
from domain.tools.lifecycle import ToolLifecycle
from domain.tools.model import DesiredState, HealthCheck, Tool, ToolSecret, ToolStatus
from domain.tools.policy import ToolPolicy
from domain.tools.ports_allocation import HostPortTaken
from domain.tools.runtime import ToolRuntime
from domain.users.model import Role, User
from tests.unit.fakes import FakeClock, FakeUnitOfWork, Store

COMMIT_SHA = "a" * 40
FAKE_ENGINE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


class ToolStore(Store):
    """The fake database, with the tool tables next to the user tables."""

    def __init__(self) -> None:
        super().__init__()
        self.tools: dict[uuid.UUID, Tool] = {}
        self.tool_secrets: dict[tuple[uuid.UUID, str], ToolSecret] = {}
        self.builds: dict[uuid.UUID, Build] = {}
        self.build_logs: dict[tuple[uuid.UUID, int], LogLine] = {}
        self.health_checks: dict[uuid.UUID, HealthCheck] = {}
        self.statuses: dict[uuid.UUID, list[BuildStatus]] = {}

    def logs(self, build_id: uuid.UUID) -> list[LogLine]:
        """A build's lines in the order they were stored."""
        return [line for (owner, _), line in self.build_logs.items() if owner == build_id]

    def record_status(self, build: Build) -> None:
        history = self.statuses.setdefault(build.id, [])
        if not history or history[-1] is not build.status:
            history.append(build.status)


K = TypeVar("K")
V = TypeVar("V")


class Table(Generic[K, V]):
    """One table seen through a transaction: reads see our own writes first."""

    def __init__(self, committed: dict[K, V]) -> None:
        self.committed = committed
        self.changes: dict[K, V | None] = {}

    def get(self, key: K) -> V | None:
        value = self.changes[key] if key in self.changes else self.committed.get(key)
        return copy.deepcopy(value)

    def has(self, key: K) -> bool:
        return self.get(key) is not None

    def put(self, key: K, value: V) -> None:
        self.changes[key] = copy.deepcopy(value)

    def delete(self, key: K) -> None:
        self.changes[key] = None

    def rows(self) -> list[V]:
        merged = {**self.committed, **self.changes}
        return [copy.deepcopy(value) for value in merged.values() if value is not None]

    def row_keys(self) -> list[K]:
        merged = {**self.committed, **self.changes}
        return [key for key, value in merged.items() if value is not None]

    def apply(self) -> list[V]:
        written = []
        for key, value in self.changes.items():
            if value is None:
                self.committed.pop(key, None)
            else:
                self.committed[key] = value
                written.append(value)
        self.changes = {}
        return written


class FakeToolRepository:
    def __init__(self, uow: FakeToolUnitOfWork) -> None:
        self._uow = uow
        self._rows = uow.tool_rows

    async def add(self, tool: Tool) -> None:
        for other in self._rows.rows():
            if other.name == tool.name:
                raise ValidationFailed(
                    [DomainError("A tool with this name exists.", code=ErrorCode.NAME_TAKEN)]
                )
            if other.host_port == tool.host_port:
                raise HostPortTaken("The allocated host port was taken; retry.")
        self._rows.put(tool.id, tool)

    async def save(self, tool: Tool) -> None:
        if not self._rows.has(tool.id):
            raise LookupError(f"tool {tool.id} is not stored")
        self._rows.put(tool.id, tool)

    async def delete(self, tool_id: uuid.UUID) -> None:
        self._rows.delete(tool_id)
        self._uow.cascade_tool(tool_id)

    async def get(self, tool_id: uuid.UUID) -> Tool | None:
        return self._rows.get(tool_id)

    async def lock(self, tool_id: uuid.UUID) -> Tool | None:
        return self._rows.get(tool_id)

    async def get_by_name(self, name: str) -> Tool | None:
        return next((tool for tool in self._rows.rows() if tool.name == name), None)

    async def get_many(self, tool_ids: list[uuid.UUID]) -> list[Tool]:
        return [tool for tool in self._rows.rows() if tool.id in tool_ids]

    async def page(
        self,
        limit: int,
        after: PageKey | None,
        status: ToolStatus | None = None,
        category: str | None = None,
        search: str | None = None,
    ) -> list[Tool]:
        tools = sorted(self._rows.rows(), key=lambda tool: (tool.created_at, tool.id))
        tools = [t for t in tools if after is None or (t.created_at, t.id) > after]
        tools = [t for t in tools if status is None or t.status is status]
        tools = [t for t in tools if category is None or t.category == category]
        tools = [t for t in tools if not search or search.lower() in t.name]
        return tools[:limit]

    async def used_host_ports(self) -> set[int]:
        return {tool.host_port for tool in self._rows.rows()}

    async def stopped(self) -> list[Tool]:
        return [
            t
            for t in self._rows.rows()
            if t.desired_state is DesiredState.STOPPED and t.current_build_id is not None
        ]

    async def running(self) -> list[Tool]:
        return [
            tool
            for tool in self._rows.rows()
            if tool.desired_state is DesiredState.RUNNING and tool.current_build_id is not None
        ]


class FakeToolSecretRepository:
    def __init__(self, rows: Table[tuple[uuid.UUID, str], ToolSecret]) -> None:
        self._rows = rows

    async def put(self, secret: ToolSecret) -> None:
        self._rows.put((secret.tool_id, secret.name), secret)

    async def delete(self, tool_id: uuid.UUID, name: str) -> bool:
        if not self._rows.has((tool_id, name)):
            return False
        self._rows.delete((tool_id, name))
        return True

    async def for_tool(self, tool_id: uuid.UUID) -> list[ToolSecret]:
        secrets = [secret for secret in self._rows.rows() if secret.tool_id == tool_id]
        return sorted(secrets, key=lambda secret: secret.name)


class FakeBuildRepository:
    def __init__(self, rows: Table[uuid.UUID, Build]) -> None:
        self._rows = rows

    async def add(self, build: Build) -> None:
        self._rows.put(build.id, build)

    async def save(self, build: Build) -> None:
        stored = self._rows.get(build.id)
        if stored is None:
            raise LookupError(f"build {build.id} is not stored")
        # Like the SQL adapter: log counters change only with the lines themselves.
        kept = dataclasses.replace(
            build,
            log_line_count=stored.log_line_count,
            log_bytes=stored.log_bytes,
            cancel_requested_at=build.cancel_requested_at or stored.cancel_requested_at,
        )
        self._rows.put(build.id, kept)

    async def get(self, build_id: uuid.UUID | None) -> Build | None:
        return self._rows.get(build_id) if build_id is not None else None

    async def lock(self, build_id: uuid.UUID) -> Build | None:
        return self._rows.get(build_id)

    async def request_cancel(self, build_id: uuid.UUID, at: datetime) -> None:
        stored = self._rows.get(build_id)
        if stored is not None:
            self._rows.put(build_id, dataclasses.replace(stored, cancel_requested_at=at))

    async def get_many(self, build_ids: list[uuid.UUID]) -> list[Build]:
        return [build for build in self._rows.rows() if build.id in build_ids]

    async def get_by_idempotency_key(self, tool_id: uuid.UUID, key: str) -> Build | None:
        return next(
            (b for b in self._rows.rows() if b.tool_id == tool_id and b.idempotency_key == key),
            None,
        )

    async def next_number(self, tool_id: uuid.UUID) -> int:
        return max((b.number for b in self._rows.rows() if b.tool_id == tool_id), default=0) + 1

    async def active_for_tool(self, tool_id: uuid.UUID) -> list[Build]:
        return [b for b in self._rows.rows() if b.tool_id == tool_id and b.status.is_active]

    async def latest_for_tools(self, tool_ids: list[uuid.UUID]) -> list[Build]:
        latest: dict[uuid.UUID, Build] = {}
        for build in self._rows.rows():
            if build.tool_id in tool_ids and build.number > getattr(
                latest.get(build.tool_id), "number", 0
            ):
                latest[build.tool_id] = build
        return list(latest.values())

    async def page(
        self,
        limit: int,
        after: PageKey | None,
        status: BuildStatus | None = None,
        tool_id: uuid.UUID | None = None,
    ) -> list[Build]:
        builds = sorted(self._rows.rows(), key=lambda b: (b.queued_at, b.id), reverse=True)
        builds = [b for b in builds if after is None or (b.queued_at, b.id) < after]
        builds = [b for b in builds if status is None or b.status is status]
        builds = [b for b in builds if tool_id is None or b.tool_id == tool_id]
        return builds[:limit]

    async def claim_next(self, owner: str, now: datetime, lease_until: datetime) -> Build | None:
        free = [
            b
            for b in self._rows.rows()
            if b.status is BuildStatus.QUEUED
            and (b.lease_owner is None or (b.lease_expires_at and b.lease_expires_at < now))
        ]
        if not free:
            return None
        build = min(free, key=lambda b: (b.queued_at, b.id))
        build.lease_owner, build.lease_expires_at = owner, lease_until
        self._rows.put(build.id, build)
        return build

    async def release_claim(self, build_id: uuid.UUID, owner: str) -> None:
        build = self._rows.get(build_id)
        if build is not None and build.lease_owner == owner:
            build.lease_owner, build.lease_expires_at = None, None
            self._rows.put(build_id, build)

    async def renew_lease(self, build_id: uuid.UUID, owner: str, lease_until: datetime) -> bool:
        build = self._rows.get(build_id)
        if build is None or build.lease_owner != owner:
            return False
        build.lease_expires_at = lease_until
        self._rows.put(build_id, build)
        return True

    async def record_log_progress(
        self, build_id: uuid.UUID, line_count: int, log_bytes: int
    ) -> None:
        build = self._rows.get(build_id)
        if build is not None:
            build.log_line_count, build.log_bytes = line_count, log_bytes
            self._rows.put(build_id, build)

    async def expired_leases(self, now: datetime) -> list[Build]:
        return [
            b
            for b in self._rows.rows()
            if b.status.is_active
            and b.status is not BuildStatus.QUEUED
            and b.lease_expires_at is not None
            and b.lease_expires_at < now
        ]


class FakeBuildLogRepository:
    def __init__(self, rows: Table[tuple[uuid.UUID, int], LogLine]) -> None:
        self._rows = rows

    async def append(self, build_id: uuid.UUID, lines: list[LogLine]) -> None:
        for line in lines:
            if self._rows.has((build_id, line.seq)):  # the (build, seq) primary key
                raise AssertionError(f"duplicate log line seq {line.seq} for build {build_id}")
            self._rows.put((build_id, line.seq), line)

    async def read(self, build_id: uuid.UUID, after: int, limit: int) -> list[LogLine]:
        seqs = sorted(
            seq for owner, seq in self._rows.row_keys() if owner == build_id and seq > after
        )
        lines = [self._rows.get((build_id, seq)) for seq in seqs[:limit]]
        return [line for line in lines if line is not None]  # none is: the keys were just listed


class FakeHealthCheckRepository:
    def __init__(self, rows: Table[uuid.UUID, HealthCheck]) -> None:
        self._rows = rows

    async def add(self, check: HealthCheck) -> None:
        self._rows.put(check.id, check)

    async def latest(self, tool_id: uuid.UUID, limit: int) -> list[HealthCheck]:
        checks = [c for c in self._rows.rows() if c.tool_id == tool_id]
        return sorted(checks, key=lambda c: c.checked_at, reverse=True)[:limit]

    async def prune(self, tool_id: uuid.UUID, keep: int) -> None:
        for check in (await self.latest(tool_id, 1_000_000))[keep:]:
            self._rows.delete(check.id)


class FakeToolUnitOfWork(FakeUnitOfWork):
    """The user tables of `FakeUnitOfWork` plus the tool tables, written back on commit."""

    def __init__(self, store: ToolStore) -> None:
        super().__init__(store)
        self._tool_store = store

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        store = self._tool_store
        self.tool_rows = Table(store.tools)
        self.secret_rows = Table(store.tool_secrets)
        self.build_rows = Table(store.builds)
        self.log_rows = Table(store.build_logs)
        self.check_rows = Table(store.health_checks)
        self.tools = FakeToolRepository(self)
        self.tool_secrets = FakeToolSecretRepository(self.secret_rows)
        self.builds = FakeBuildRepository(self.build_rows)
        self.build_logs = FakeBuildLogRepository(self.log_rows)
        self.health_checks = FakeHealthCheckRepository(self.check_rows)
        return self

    def cascade_tool(self, tool_id: uuid.UUID) -> None:
        for key, secret in list(self.secret_rows.committed.items()):
            if secret.tool_id == tool_id:
                self.secret_rows.delete(key)
        for build in self.build_rows.rows():
            if build.tool_id == tool_id:
                self.build_rows.delete(build.id)
        for check in self.check_rows.rows():
            if check.tool_id == tool_id:
                self.check_rows.delete(check.id)

    async def commit(self) -> None:
        await super().commit()
        for table in (self.tool_rows, self.secret_rows, self.log_rows, self.check_rows):
            table.apply()
        for build in self.build_rows.apply():
            self._tool_store.record_status(build)


class FakeContainerEngine:
    def __init__(self) -> None:
        self.images: set[str] = set()
        self.containers: dict[str, ContainerState] = {}
        self.image_builds: list[ImageBuild] = []
        self.runs: list[ContainerSpec] = []
        self.stopped: list[str] = []
        self.started: list[str] = []
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
        self.created_containers += 1
        container_id = f"container-{self.created_containers}"
        created = ContainerState(False, "created", None, spec.image, container_id)
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
        self.containers.pop(name, None)

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


class FakeSignals:
    """Records each signal with the build ids committed at that moment."""

    def __init__(self, store: ToolStore) -> None:
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
    """Every fake, and the services wired over them the way `infra.bootstrap` wires adapters."""

    workspace: Path
    store: ToolStore = field(default_factory=ToolStore)
    clock: FakeClock = field(default_factory=FakeClock)
    engine: FakeContainerEngine = field(default_factory=FakeContainerEngine)
    manifests: FakeManifestLoader = field(default_factory=FakeManifestLoader)
    probe: FakeHealthProbe = field(default_factory=FakeHealthProbe)
    cipher: FakeSecretCipher = field(default_factory=FakeSecretCipher)
    ports: FakePortProbe = field(default_factory=FakePortProbe)
    background: FakeBackground = field(default_factory=FakeBackground)
    policy: ToolPolicy = field(default_factory=lambda: ToolPolicy(health_timeout_seconds=1.0))

    def __post_init__(self) -> None:
        self.source = FakeSourceControl(self.workspace / "checkout")
        self.files = FakeToolFiles(self.workspace / "data")
        self.signals = FakeSignals(self.store)

    def uow(self, *, read_only: bool = False) -> FakeToolUnitOfWork:
        return FakeToolUnitOfWork(self.store)

    def catalog(self) -> ToolCatalog:
        return ToolCatalog(self.uow)

    def configuration(self) -> ToolConfiguration:
        return ToolConfiguration(self.uow, self.cipher, self.clock)

    def tool_service(self) -> ToolInstaller:
        return ToolInstaller(
            self.uow,
            self.source,
            self.manifests,
            self.cipher,
            self.ports,
            self.signals,
            self.policy,
            self.clock,
        )

    def runtime(self) -> ToolRuntime:
        return ToolRuntime(
            self.engine, self.files, self.probe, self.cipher, self.policy, self.clock
        )

    def build_requests(self) -> BuildRequests:
        return BuildRequests(self.uow, self.engine, self.signals, self.policy, self.clock)

    def lifecycle(self) -> ToolLifecycle:
        return ToolLifecycle(
            self.uow,
            self.engine,
            self.runtime(),
            self.files,
            self.build_requests(),
            self.background,
            self.clock,
        )

    def pipeline(self, limits: BuildLimits | None = None) -> BuildPipeline:
        return BuildPipeline(
            self.uow,
            self.source,
            self.manifests,
            self.engine,
            self.runtime(),
            self.clock,
            limits or BuildLimits(),
        )

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

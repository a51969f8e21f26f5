"""The fake database: every table, and a unit of work that changes rows like a transaction.

The unit of work keeps row-level changes and writes only the rows it touched on commit, so two
units of work open at once (a build's progress and its log writer) never erase each other's
writes; one that is not committed leaves the store untouched, like a rolled-back transaction.
The events its repositories collect are published (into `Store.published`) only on commit.
"""

from __future__ import annotations

import copy
import uuid
from types import TracebackType
from typing import Generic, Self, TypeVar

from domain.audit.model import AuditEvent
from domain.auth.model import ApiToken, RefreshToken, TokenFamily
from domain.builds.model import Build, BuildStatus, LogLine
from domain.events import Event
from domain.pending_events import PendingEvents
from domain.ports import (
    ApiTokenRepository,
    AuditLog,
    BuildLogRepository,
    BuildRepository,
    HealthCheckRepository,
    RefreshTokenRepository,
    ToolRepository,
    ToolSecretRepository,
    UserRepository,
)
from domain.tools.health import HealthCheck
from domain.tools.model import Tool
from domain.tools.secrets import ToolSecret
from domain.users.model import User
from tests.unit.fake_account_repositories import (
    FakeApiTokenRepository,
    FakeAuditLog,
    FakeRefreshTokenRepository,
    FakeUserRepository,
)
from tests.unit.fake_tool_repositories import (
    FakeBuildLogRepository,
    FakeBuildRepository,
    FakeHealthCheckRepository,
    FakeToolRepository,
    FakeToolSecretRepository,
)

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


class Store:
    """What the fake database holds; shared by every unit of work of one test."""

    def __init__(self) -> None:
        self.users: dict[uuid.UUID, User] = {}
        self.token_families: dict[uuid.UUID, TokenFamily] = {}
        self.refresh_tokens: dict[uuid.UUID, RefreshToken] = {}
        self.api_tokens: dict[uuid.UUID, ApiToken] = {}
        self.audit: list[AuditEvent] = []
        self.tools: dict[uuid.UUID, Tool] = {}
        self.tool_secrets: dict[tuple[uuid.UUID, str], ToolSecret] = {}
        self.builds: dict[uuid.UUID, Build] = {}
        self.build_logs: dict[tuple[uuid.UUID, int], LogLine] = {}
        self.health_checks: dict[uuid.UUID, HealthCheck] = {}
        # Spies: commits so far, each build's statuses as committed, and the events published.
        self.commits = 0
        self.statuses: dict[uuid.UUID, list[BuildStatus]] = {}
        self.published: list[Event] = []

    def logs(self, build_id: uuid.UUID) -> list[LogLine]:
        """A build's lines in the order they were stored."""
        return [line for (owner, _), line in self.build_logs.items() if owner == build_id]

    def record_status(self, build: Build) -> None:
        history = self.statuses.setdefault(build.id, [])
        if not history or history[-1] is not build.status:
            history.append(build.status)


class FakeUnitOfWork:
    def __init__(self, store: Store, *, read_only: bool = False) -> None:
        self._store = store
        self._read_only = read_only
        self._pending = PendingEvents()

    async def __aenter__(self) -> Self:
        store, pending = self._store, self._pending
        self.user_rows = Table(store.users)
        self.family_rows = Table(store.token_families)
        self.refresh_rows = Table(store.refresh_tokens)
        self.api_token_rows = Table(store.api_tokens)
        self.tool_rows = Table(store.tools)
        self.secret_rows = Table(store.tool_secrets)
        self.build_rows = Table(store.builds)
        self.log_rows = Table(store.build_logs)
        self.check_rows = Table(store.health_checks)
        self._audit: list[AuditEvent] = []
        # Typed as the ports, so that the type checker holds each fake to its port.
        self.users: UserRepository = FakeUserRepository(self.user_rows, pending)
        self.refresh_tokens: RefreshTokenRepository = FakeRefreshTokenRepository(
            self.family_rows, self.refresh_rows, pending
        )
        self.api_tokens: ApiTokenRepository = FakeApiTokenRepository(self.api_token_rows, pending)
        self.audit: AuditLog = FakeAuditLog(self._audit)
        self.tools: ToolRepository = FakeToolRepository(self.tool_rows, self.cascade_tool, pending)
        self.tool_secrets: ToolSecretRepository = FakeToolSecretRepository(self.secret_rows)
        self.builds: BuildRepository = FakeBuildRepository(self.build_rows, pending)
        self.build_logs: BuildLogRepository = FakeBuildLogRepository(self.log_rows)
        self.health_checks: HealthCheckRepository = FakeHealthCheckRepository(self.check_rows)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._pending.clear()  # whatever was not committed never happened

    def cascade_tool(self, tool_id: uuid.UUID) -> None:
        """The tool's rows go with it (the foreign keys' ON DELETE CASCADE)."""
        for secret in self.secret_rows.rows():
            if secret.tool_id == tool_id:
                self.secret_rows.delete((tool_id, secret.name))
        builds = {build.id for build in self.build_rows.rows() if build.tool_id == tool_id}
        for build_id in builds:
            self.build_rows.delete(build_id)
        for owner, seq in self.log_rows.row_keys():
            if owner in builds:  # the log lines go with their build
                self.log_rows.delete((owner, seq))
        for check in self.check_rows.rows():
            if check.tool_id == tool_id:
                self.check_rows.delete(check.id)

    def record(self, event: Event) -> None:
        self._pending.add(event)

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        tables = (self.user_rows, self.family_rows, self.refresh_rows, self.api_token_rows)
        for table in (*tables, self.tool_rows, self.secret_rows, self.log_rows, self.check_rows):
            table.apply()
        for build in self.build_rows.apply():
            self._store.record_status(build)
        self._store.audit.extend(self._audit)
        self._audit = []
        self._store.commits += 1
        self._store.published.extend(self._pending.take())

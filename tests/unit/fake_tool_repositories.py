"""In-memory fakes of the tool, build, log and health-check repositories."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Collection
from datetime import datetime
from typing import TYPE_CHECKING

from domain.builds.model import Build, BuildStatus, LogLine
from domain.errors import DomainError, ErrorCode, ValidationFailed
from domain.paging import Page
from domain.pending_events import PendingEvents
from domain.ports import BuildFilter, ToolFilter
from domain.tools.custom_domains import domains_taken
from domain.tools.health import HealthCheck
from domain.tools.host_ports import HostPortTaken
from domain.tools.model import Tool
from domain.tools.secrets import ToolSecret
from domain.tools.status import DesiredState

if TYPE_CHECKING:
    from tests.unit.fake_store import Table


class FakeToolRepository:
    def __init__(
        self,
        rows: Table[uuid.UUID, Tool],
        cascade: Callable[[uuid.UUID], None],
        events: PendingEvents,
    ) -> None:
        self._rows = rows
        self._cascade = cascade
        self._events = events

    async def add(self, tool: Tool) -> None:
        for other in self._rows.rows():
            if other.name == tool.name:
                taken = DomainError(
                    "A tool with this name exists.", code=ErrorCode.NAME_TAKEN, field=("name",)
                )
                raise ValidationFailed([taken])
            if other.host_port == tool.host_port:
                raise HostPortTaken("The allocated host port was taken; retry.")
        self._refuse_taken_domains(tool)
        self._events.collect(tool)
        self._rows.put(tool.id, tool)

    async def save(self, tool: Tool) -> None:
        if not self._rows.has(tool.id):
            raise LookupError(f"tool {tool.id} is not stored")
        if any(o.host_port == tool.host_port and o.id != tool.id for o in self._rows.rows()):
            raise HostPortTaken("The allocated host port was taken; retry.")
        self._refuse_taken_domains(tool)
        self._events.collect(tool)
        self._rows.put(tool.id, tool)

    def _refuse_taken_domains(self, tool: Tool) -> None:
        """Like the unique `tool_domains.domain` column."""
        others = {d for other in self._rows.rows() if other.id != tool.id for d in other.domains}
        if others.intersection(tool.domains):
            raise ValidationFailed([domains_taken()])

    async def delete(self, tool: Tool) -> None:
        self._events.collect(tool)
        self._rows.delete(tool.id)
        self._cascade(tool.id)

    async def get(self, tool_id: uuid.UUID) -> Tool | None:
        return self._rows.get(tool_id)

    async def lock(self, tool_id: uuid.UUID) -> Tool | None:
        return self._rows.get(tool_id)

    async def get_by_name(self, name: str) -> Tool | None:
        return next((tool for tool in self._rows.rows() if tool.name == name), None)

    async def get_many(self, tool_ids: list[uuid.UUID]) -> list[Tool]:
        return [tool for tool in self._rows.rows() if tool.id in tool_ids]

    async def page(self, page: Page, filter: ToolFilter) -> list[Tool]:
        after, status, category, search = page.after, filter.status, filter.category, filter.search
        tools = sorted(self._rows.rows(), key=lambda tool: (tool.created_at, tool.id))
        tools = [t for t in tools if after is None or (t.created_at, t.id) > after]
        tools = [t for t in tools if status is None or t.status is status]
        tools = [t for t in tools if category is None or t.category == category]
        tools = [t for t in tools if not search or matches(t, search)]
        return tools[: page.limit]

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

    async def all(self) -> list[Tool]:
        return sorted(self._rows.rows(), key=lambda tool: tool.name)

    async def domain_owners(self, domains: Collection[str]) -> dict[str, uuid.UUID]:
        return {
            domain: tool.id
            for tool in self._rows.rows()
            for domain in tool.domains
            if domain in domains
        }


def matches(tool: Tool, search: str) -> bool:
    """Like the SQL adapter's LIKE: a literal, case-insensitive part of name or description."""
    return any(search.lower() in text.lower() for text in (tool.name, tool.description or ""))


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
    def __init__(self, rows: Table[uuid.UUID, Build], events: PendingEvents) -> None:
        self._rows = rows
        self._events = events

    async def add(self, build: Build) -> None:
        self._events.collect(build)
        self._rows.put(build.id, build)

    async def save(self, build: Build) -> None:
        stored = self._rows.get(build.id)
        if stored is None:
            raise LookupError(f"build {build.id} is not stored")
        self._events.collect(build)
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

    async def request_cancel(self, build: Build) -> None:
        self._events.collect(build)
        stored = self._rows.get(build.id)
        if stored is not None:
            at = build.cancel_requested_at
            self._rows.put(build.id, dataclasses.replace(stored, cancel_requested_at=at))

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

    async def page(self, page: Page, filter: BuildFilter) -> list[Build]:
        after, status, tool_id = page.after, filter.status, filter.tool_id
        builds = sorted(self._rows.rows(), key=lambda b: (b.queued_at, b.id), reverse=True)
        builds = [b for b in builds if after is None or (b.queued_at, b.id) < after]
        builds = [b for b in builds if status is None or b.status is status]
        builds = [b for b in builds if tool_id is None or b.tool_id == tool_id]
        return builds[: page.limit]

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
        lines = (self._rows.get((build_id, seq)) for seq in seqs[:limit])
        return [line for line in lines if line is not None]


class FakeHealthCheckRepository:
    def __init__(self, rows: Table[uuid.UUID, HealthCheck]) -> None:
        self._rows = rows

    async def add(self, check: HealthCheck) -> None:
        self._rows.put(check.id, check)

    async def latest(self, tool_id: uuid.UUID, limit: int) -> list[HealthCheck]:
        checks = [c for c in self._rows.rows() if c.tool_id == tool_id]
        return sorted(checks, key=lambda c: (c.checked_at, c.id), reverse=True)[:limit]

    async def prune(self, tool_id: uuid.UUID, keep: int) -> None:
        for check in (await self.latest(tool_id, 1_000_000))[keep:]:
            self._rows.delete(check.id)

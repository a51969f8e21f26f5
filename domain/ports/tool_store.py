"""Ports for storing tools, their builds, build logs and health checks."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.builds.model import Build, BuildStatus, LogLine
from domain.paging import Page
from domain.tools.health import HealthCheck
from domain.tools.model import Tool
from domain.tools.secrets import ToolSecret
from domain.tools.status import ToolStatus


@dataclass(frozen=True)
class ToolFilter:
    """Which tools a page lists; None (or empty) means any."""

    status: ToolStatus | None = None
    category: str | None = None
    search: str | None = None  # in the name or description, whatever the case


@dataclass(frozen=True)
class BuildFilter:
    """Which builds a page lists; None means any."""

    status: BuildStatus | None = None
    tool_id: uuid.UUID | None = None


class ToolRepository(Protocol):
    async def add(self, tool: Tool) -> None:
        """Insert; a duplicate name or host port raises DomainError NAME_TAKEN / CONFLICT."""
        ...

    async def save(self, tool: Tool) -> None:
        """Store every change; a custom domain that another tool has (taken since the caller
        looked) raises ValidationFailed NAME_TAKEN."""
        ...

    async def delete(self, tool: Tool) -> None:
        """Remove the tool with its secrets, builds, log lines and health checks."""
        ...

    async def get(self, tool_id: uuid.UUID) -> Tool | None: ...
    async def lock(self, tool_id: uuid.UUID) -> Tool | None:
        """Read the tool, holding a row lock until the transaction ends (where supported)."""
        ...

    async def get_by_name(self, name: str) -> Tool | None: ...
    async def get_many(self, tool_ids: list[uuid.UUID]) -> list[Tool]: ...
    async def page(self, page: Page, filter: ToolFilter) -> list[Tool]:
        """Oldest first."""
        ...

    async def used_host_ports(self) -> set[int]: ...
    async def stopped(self) -> list[Tool]:
        """Tools that should not run (stopped by a user) but have an image."""
        ...

    async def running(self) -> list[Tool]:
        """Tools that should be running and have an image (for the health monitor)."""
        ...

    async def all(self) -> list[Tool]:
        """Every tool, by name (for the gateway's route table)."""
        ...

    async def domain_owners(self, domains: Collection[str]) -> dict[str, uuid.UUID]:
        """Which tool has each of these custom domains (domains no tool has are left out)."""
        ...


class ToolSecretRepository(Protocol):
    async def put(self, secret: ToolSecret) -> None: ...
    async def delete(self, tool_id: uuid.UUID, name: str) -> bool: ...
    async def for_tool(self, tool_id: uuid.UUID) -> list[ToolSecret]: ...


class BuildRepository(Protocol):
    async def add(self, build: Build) -> None: ...
    async def save(self, build: Build) -> None: ...
    async def get(self, build_id: uuid.UUID) -> Build | None: ...
    async def lock(self, build_id: uuid.UUID) -> Build | None:
        """Read the build fresh, holding a row lock until the transaction ends."""
        ...

    async def request_cancel(self, build: Build) -> None:
        """Store only the build's cancel request, whatever its worker writes meanwhile."""
        ...

    async def get_many(self, build_ids: list[uuid.UUID]) -> list[Build]: ...
    async def get_by_idempotency_key(self, tool_id: uuid.UUID, key: str) -> Build | None: ...
    async def next_number(self, tool_id: uuid.UUID) -> int: ...
    async def active_for_tool(self, tool_id: uuid.UUID) -> list[Build]: ...
    async def latest_for_tools(self, tool_ids: list[uuid.UUID]) -> list[Build]: ...
    async def page(self, page: Page, filter: BuildFilter) -> list[Build]:
        """Newest first."""
        ...

    async def claim_next(self, owner: str, now: datetime, lease_until: datetime) -> Build | None:
        """Take the oldest queued build under a lease (`SKIP LOCKED` where supported)."""
        ...

    async def release_claim(self, build_id: uuid.UUID, owner: str) -> None:
        """Give back a claimed, not yet started build: queued and claimable again at once."""
        ...

    async def renew_lease(self, build_id: uuid.UUID, owner: str, lease_until: datetime) -> bool:
        """Extend our lease; False when the build is no longer ours."""
        ...

    async def record_log_progress(
        self, build_id: uuid.UUID, line_count: int, log_bytes: int
    ) -> None: ...
    async def expired_leases(self, now: datetime) -> list[Build]: ...


class BuildLogRepository(Protocol):
    async def append(self, build_id: uuid.UUID, lines: list[LogLine]) -> None: ...
    async def read(self, build_id: uuid.UUID, after: int, limit: int) -> list[LogLine]: ...


class HealthCheckRepository(Protocol):
    async def add(self, check: HealthCheck) -> None: ...
    async def latest(self, tool_id: uuid.UUID, limit: int) -> list[HealthCheck]:
        """Newest first."""
        ...

    async def prune(self, tool_id: uuid.UUID, keep: int) -> None: ...

"""The unit of work: one transaction per use case."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Protocol, Self, TypeVar

from domain.events import Event
from domain.ports.accounts import (
    ApiTokenRepository,
    AuditLog,
    RefreshTokenRepository,
    UserRepository,
)
from domain.ports.tool_store import (
    BuildLogRepository,
    BuildRepository,
    HealthCheckRepository,
    ToolRepository,
    ToolSecretRepository,
)


class UnitOfWork(Protocol):
    """One transaction: rolled back on exit unless `commit` was called."""

    users: UserRepository
    refresh_tokens: RefreshTokenRepository
    api_tokens: ApiTokenRepository
    audit: AuditLog
    tools: ToolRepository
    tool_secrets: ToolSecretRepository
    builds: BuildRepository
    build_logs: BuildLogRepository
    health_checks: HealthCheckRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...
    def record(self, event: Event) -> None:
        """Publish `event` after commit: for a change stored without its entity (log lines,
        a lease); repositories hand over what the entities they store recorded themselves."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work; `read_only` ones never commit and never wait for writers."""
        ...


Result = TypeVar("Result")


async def read(uow: UnitOfWorkFactory, query: Callable[[UnitOfWork], Awaitable[Result]]) -> Result:
    """Answer one query in a read-only unit of work of its own."""
    async with uow(read_only=True) as work:
        return await query(work)

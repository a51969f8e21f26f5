"""One transaction per use case; rolled back unless the service commits.

Repositories hand over the events of the entities they store; the events leave only after a
successful commit.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.events import Event
from domain.pending_events import PendingEvents
from domain.ports import (
    ApiTokenRepository,
    AuditLog,
    BuildLogRepository,
    BuildRepository,
    EventBus,
    HealthCheckRepository,
    RefreshTokenRepository,
    ToolRepository,
    ToolSecretRepository,
    UserRepository,
)
from infra.db.engine import READ_ONLY_OPTION
from infra.db.repositories.audit import SqlAlchemyAuditLog
from infra.db.repositories.builds import SqlAlchemyBuildLogRepository, SqlAlchemyBuildRepository
from infra.db.repositories.health import SqlAlchemyHealthCheckRepository
from infra.db.repositories.tokens import (
    SqlAlchemyApiTokenRepository,
    SqlAlchemyRefreshTokenRepository,
)
from infra.db.repositories.tools import SqlAlchemyToolRepository, SqlAlchemyToolSecretRepository
from infra.db.repositories.users import SqlAlchemyUserRepository

logger = logging.getLogger(__name__)


class SqlAlchemyUnitOfWork:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        read_only: bool = False,
        events: EventBus | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._read_only = read_only
        self._bus = events
        self._pending = PendingEvents()
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        self._session = self._session_factory()
        if self._read_only:
            await self._session.connection(execution_options={READ_ONLY_OPTION: True})
        session, pending = self._session, self._pending
        self.users: UserRepository = SqlAlchemyUserRepository(session, pending)
        self.refresh_tokens: RefreshTokenRepository = SqlAlchemyRefreshTokenRepository(
            session, pending
        )
        self.api_tokens: ApiTokenRepository = SqlAlchemyApiTokenRepository(session, pending)
        self.audit: AuditLog = SqlAlchemyAuditLog(session)
        self.tools: ToolRepository = SqlAlchemyToolRepository(session, pending)
        self.tool_secrets: ToolSecretRepository = SqlAlchemyToolSecretRepository(session)
        self.builds: BuildRepository = SqlAlchemyBuildRepository(session, pending)
        self.build_logs: BuildLogRepository = SqlAlchemyBuildLogRepository(session)
        self.health_checks: HealthCheckRepository = SqlAlchemyHealthCheckRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            self._pending.clear()  # whatever was not committed never happened
            await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    def record(self, event: Event) -> None:
        self._pending.add(event)

    async def commit(self) -> None:
        assert self._session is not None
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        await self._session.commit()
        events = self._pending.take()
        if events and self._bus is not None:
            # Only hands them over: nothing here may wait, or fail, once the change is stored.
            try:
                self._bus.publish(events)
            except Exception:
                # Live feeds also re-read on their own, so a lost wake-up only delays them.
                logger.exception("publishing %d events failed", len(events))

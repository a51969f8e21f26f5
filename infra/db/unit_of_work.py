"""One transaction per use case; rolled back unless the service commits."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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


class SqlAlchemyUnitOfWork:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], *, read_only: bool = False
    ) -> None:
        self._session_factory = session_factory
        self._read_only = read_only
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        self._session = self._session_factory()
        if self._read_only:
            await self._session.connection(execution_options={READ_ONLY_OPTION: True})
        self.users = SqlAlchemyUserRepository(self._session)
        self.refresh_tokens = SqlAlchemyRefreshTokenRepository(self._session)
        self.api_tokens = SqlAlchemyApiTokenRepository(self._session)
        self.audit = SqlAlchemyAuditLog(self._session)
        self.tools = SqlAlchemyToolRepository(self._session)
        self.tool_secrets = SqlAlchemyToolSecretRepository(self._session)
        self.builds = SqlAlchemyBuildRepository(self._session)
        self.build_logs = SqlAlchemyBuildLogRepository(self._session)
        self.health_checks = SqlAlchemyHealthCheckRepository(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    async def commit(self) -> None:
        assert self._session is not None
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        await self._session.commit()

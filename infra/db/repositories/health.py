from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.tools.health import HealthCheck
from infra.db.rows import HealthCheckRow


class SqlAlchemyHealthCheckRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, check: HealthCheck) -> None:
        self._session.add(HealthCheckRow.from_domain(check))
        await self._session.flush()

    async def latest(self, tool_id: uuid.UUID, limit: int) -> list[HealthCheck]:
        query = (
            select(HealthCheckRow)
            .where(HealthCheckRow.tool_id == tool_id)
            .order_by(HealthCheckRow.checked_at.desc(), HealthCheckRow.id.desc())
            .limit(limit)
        )
        return [row.to_domain() for row in await self._session.scalars(query)]

    async def prune(self, tool_id: uuid.UUID, keep: int) -> None:
        kept = (
            select(HealthCheckRow.id)
            .where(HealthCheckRow.tool_id == tool_id)
            .order_by(HealthCheckRow.checked_at.desc(), HealthCheckRow.id.desc())
            .limit(keep)
        )
        await self._session.execute(
            delete(HealthCheckRow).where(
                HealthCheckRow.tool_id == tool_id, HealthCheckRow.id.not_in(kept.scalar_subquery())
            )
        )

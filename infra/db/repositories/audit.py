from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.model import AuditEvent
from infra.db.rows import AuditEventRow


class SqlAlchemyAuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, event: AuditEvent) -> None:
        self._session.add(AuditEventRow.from_domain(event))
        await self._session.flush()

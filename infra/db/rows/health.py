from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.tools.health import HealthCheck
from infra.db.rows.base import Base
from infra.db.types import UtcDateTime


class HealthCheckRow(Base):
    __tablename__ = "health_checks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tool_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tools.id", ondelete="CASCADE"))
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    healthy: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_health_checks_tool_id_checked_at", "tool_id", "checked_at"),)

    @classmethod
    def from_domain(cls, check: HealthCheck) -> HealthCheckRow:
        return cls(
            id=check.id,
            tool_id=check.tool_id,
            checked_at=check.checked_at,
            healthy=check.healthy,
            status_code=check.status_code,
            latency_ms=check.latency_ms,
            error=check.error,
        )

    def to_domain(self) -> HealthCheck:
        return HealthCheck(
            id=self.id,
            tool_id=self.tool_id,
            checked_at=self.checked_at,
            healthy=self.healthy,
            status_code=self.status_code,
            latency_ms=self.latency_ms,
            error=self.error,
        )

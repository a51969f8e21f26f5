"""What one health check of a tool found, kept in the tool's recent history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class HealthCheck:
    tool_id: uuid.UUID
    checked_at: datetime
    healthy: bool
    status_code: int | None = None
    latency_ms: int | None = None
    error: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

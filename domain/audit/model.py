"""Who did what: an append-only record kept in the same transaction as the change."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class AuditEvent:
    action: str
    occurred_at: datetime
    actor_id: uuid.UUID | None = None
    target_type: str | None = None
    target_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    id: uuid.UUID = field(default_factory=uuid.uuid4)

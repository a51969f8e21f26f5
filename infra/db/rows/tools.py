from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from infra.db.rows.base import Base
from infra.db.types import UtcDateTime


class ToolRow(Base):
    """A tool: its source, its desired state, and what the reconciler last saw."""

    __tablename__ = "tools"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(63), unique=True)
    repo_url: Mapped[str] = mapped_column(Text)
    ref: Mapped[str | None] = mapped_column(String(255))
    subdir: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    desired_state: Mapped[str] = mapped_column(String(16))
    commit_sha: Mapped[str | None] = mapped_column(String(64))
    # The build whose image should be running; a plain id to avoid a tools<->builds FK cycle.
    current_build_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    host_port: Mapped[int | None] = mapped_column(Integer, unique=True)
    manifest: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    environment: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ToolSecretRow(Base):
    """A secret environment value, encrypted at rest and never readable through the API."""

    __tablename__ = "tool_secrets"

    tool_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tools.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.builds.model import (
    Build,
    BuildFailure,
    BuildPhase,
    BuildStatus,
    BuildTrigger,
    LogLine,
    LogStream,
)
from infra.db.rows.base import Base
from infra.db.types import UtcDateTime


class BuildRow(Base):
    """A build is also the job: workers claim queued rows under a lease."""

    __tablename__ = "builds"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tool_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tools.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str | None] = mapped_column(String(255))
    commit_sha: Mapped[str | None] = mapped_column(String(64))
    image: Mapped[str | None] = mapped_column(String(255))
    manifest: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    failure_phase: Mapped[str | None] = mapped_column(String(16))
    failure_code: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancel_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    log_line_count: Mapped[int] = mapped_column(Integer, default=0)
    log_bytes: Mapped[int] = mapped_column(Integer, default=0)
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("tool_id", "number", name="uq_builds_tool_id_number"),
        UniqueConstraint("tool_id", "idempotency_key", name="uq_builds_tool_id_idempotency_key"),
        Index("ix_builds_status_queued_at", "status", "queued_at"),
    )

    @classmethod
    def from_domain(cls, build: Build) -> BuildRow:
        row = cls(id=build.id)
        row.update_from(build)
        return row

    def update_from(self, build: Build) -> None:
        self.tool_id = build.tool_id
        self.number = build.number
        self.status = build.status.value
        self.trigger = build.trigger.value
        self.ref = build.ref
        self.commit_sha = build.commit_sha
        self.image = build.image
        self.manifest = build.manifest
        failure = build.failure
        self.failure_phase = failure.phase.value if failure else None
        self.failure_code = failure.code if failure else None
        self.failure_message = failure.message if failure else None
        self.requested_by_id = build.requested_by_id
        self.idempotency_key = build.idempotency_key
        self.lease_owner = build.lease_owner
        self.lease_expires_at = build.lease_expires_at
        # A cancel request is only ever set (by request_cancel); a stale copy must not clear it.
        if build.cancel_requested_at is not None:
            self.cancel_requested_at = build.cancel_requested_at
        # Log counters are written only with the lines themselves (record_log_progress).
        if self.log_line_count is None:
            self.log_line_count = build.log_line_count
            self.log_bytes = build.log_bytes
        self.queued_at = build.queued_at
        self.started_at = build.started_at
        self.finished_at = build.finished_at

    def to_domain(self) -> Build:
        failure = None
        if self.failure_phase and self.failure_code:
            failure = BuildFailure(
                BuildPhase(self.failure_phase), self.failure_code, self.failure_message or ""
            )
        return Build(
            id=self.id,
            tool_id=self.tool_id,
            number=self.number,
            status=BuildStatus(self.status),
            trigger=BuildTrigger(self.trigger),
            ref=self.ref,
            commit_sha=self.commit_sha,
            image=self.image,
            manifest=self.manifest,
            failure=failure,
            requested_by_id=self.requested_by_id,
            idempotency_key=self.idempotency_key,
            lease_owner=self.lease_owner,
            lease_expires_at=self.lease_expires_at,
            cancel_requested_at=self.cancel_requested_at,
            log_line_count=self.log_line_count,
            log_bytes=self.log_bytes,
            queued_at=self.queued_at,
            started_at=self.started_at,
            finished_at=self.finished_at,
        )


class BuildLogLineRow(Base):
    """One line of a build's output, keyed by (build, seq) so readers can resume exactly."""

    __tablename__ = "build_log_lines"

    build_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("builds.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    stream: Mapped[str] = mapped_column(String(8))
    timestamp: Mapped[datetime] = mapped_column(UtcDateTime)
    text: Mapped[str] = mapped_column(Text)

    def to_domain(self) -> LogLine:
        return LogLine(self.seq, LogStream(self.stream), self.timestamp, self.text)

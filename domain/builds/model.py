"""A build of a tool: the job a worker claims, its state machine, and its log lines."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class BuildStatus(StrEnum):
    QUEUED = "QUEUED"
    CLONING = "CLONING"
    BUILDING = "BUILDING"
    STARTING = "STARTING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @property
    def is_finished(self) -> bool:
        return self in FINISHED

    @property
    def is_active(self) -> bool:
        return not self.is_finished


FINISHED = frozenset({BuildStatus.SUCCEEDED, BuildStatus.FAILED, BuildStatus.CANCELLED})
ACTIVE = frozenset(set(BuildStatus) - FINISHED)

# Where each status may go next; anything unfinished may also fail or be cancelled.
_NEXT: dict[BuildStatus, frozenset[BuildStatus]] = {
    BuildStatus.QUEUED: frozenset({BuildStatus.CLONING, BuildStatus.STARTING}),
    BuildStatus.CLONING: frozenset({BuildStatus.BUILDING, BuildStatus.QUEUED}),
    BuildStatus.BUILDING: frozenset({BuildStatus.STARTING, BuildStatus.QUEUED}),
    BuildStatus.STARTING: frozenset({BuildStatus.SUCCEEDED, BuildStatus.QUEUED}),
}


class BuildTrigger(StrEnum):
    INSTALL = "INSTALL"
    UPDATE = "UPDATE"
    REBUILD = "REBUILD"
    ROLLBACK = "ROLLBACK"


class LogStream(StrEnum):
    STDOUT = "STDOUT"
    STDERR = "STDERR"
    SYSTEM = "SYSTEM"


class BuildPhase(StrEnum):
    QUEUED = "QUEUED"
    CLONING = "CLONING"
    BUILDING = "BUILDING"
    STARTING = "STARTING"


@dataclass(frozen=True)
class BuildFailure:
    phase: BuildPhase
    code: str
    message: str


class IllegalTransition(RuntimeError):
    """A programming error: the state machine forbids this move."""


@dataclass
class Build:
    tool_id: uuid.UUID
    number: int
    trigger: BuildTrigger
    ref: str | None
    queued_at: datetime
    status: BuildStatus = BuildStatus.QUEUED
    commit_sha: str | None = None
    image: str | None = None
    manifest: dict[str, Any] | None = None
    failure: BuildFailure | None = None
    requested_by_id: uuid.UUID | None = None
    idempotency_key: str | None = None
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    cancel_requested_at: datetime | None = None
    log_line_count: int = 0
    log_bytes: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def phase(self) -> BuildPhase:
        return BuildPhase(self.status.value) if self.status.is_active else BuildPhase.STARTING

    def advance(self, status: BuildStatus, now: datetime) -> None:
        if status not in _NEXT.get(self.status, frozenset()):
            raise IllegalTransition(f"build {self.id}: {self.status} -> {status}")
        self.status = status
        if self.started_at is None and status is not BuildStatus.QUEUED:
            self.started_at = now

    def fail(self, phase: BuildPhase, code: str, message: str, now: datetime) -> None:
        self._finish(BuildStatus.FAILED, now)
        self.failure = BuildFailure(phase, code, message)

    def cancel(self, now: datetime) -> None:
        self._finish(BuildStatus.CANCELLED, now)

    def succeed(self, now: datetime) -> None:
        self.advance(BuildStatus.SUCCEEDED, now)
        self.finished_at = now
        self._release()

    def _finish(self, status: BuildStatus, now: datetime) -> None:
        if self.status.is_finished:
            raise IllegalTransition(f"build {self.id} already ended as {self.status}")
        self.status = status
        self.finished_at = now
        self._release()

    def _release(self) -> None:
        self.lease_owner = None
        self.lease_expires_at = None


@dataclass(frozen=True)
class LogLine:
    seq: int
    stream: LogStream
    timestamp: datetime
    text: str

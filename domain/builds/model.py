"""A build of a tool: the job a worker claims, its state machine, and its log lines.

Each change records `BuildQueued` (while queued: workers wake up) or `BuildChanged`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.entity import Entity
from domain.events import BuildChanged, BuildQueued


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
class Build(Entity):
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

    @classmethod
    def queue(
        cls,
        tool_id: uuid.UUID,
        number: int,
        trigger: BuildTrigger,
        ref: str | None,
        now: datetime,
        *,
        requested_by_id: uuid.UUID | None = None,
        idempotency_key: str | None = None,
    ) -> Build:
        build = cls(
            tool_id,
            number,
            trigger,
            ref,
            now,
            requested_by_id=requested_by_id,
            idempotency_key=idempotency_key,
        )
        build._changed()
        return build

    @property
    def phase(self) -> BuildPhase:
        return BuildPhase(self.status.value) if self.status.is_active else BuildPhase.STARTING

    def advance(self, status: BuildStatus, now: datetime) -> None:
        if status not in _NEXT.get(self.status, frozenset()):
            raise IllegalTransition(f"build {self.id}: {self.status} -> {status}")
        self.status = status
        if self.started_at is None and status is not BuildStatus.QUEUED:
            self.started_at = now
        self._changed()

    def requeue(self, now: datetime) -> None:
        """Back to the queue with no lease, to start over (its worker is shutting down)."""
        if self.status is not BuildStatus.QUEUED:
            self.advance(BuildStatus.QUEUED, now)
        self._release()
        self._changed()

    def found_source(self, commit_sha: str, manifest: dict[str, Any]) -> None:
        self.commit_sha, self.manifest = commit_sha, manifest
        self._changed()

    def built_image(self, tag: str) -> None:
        self.image = tag
        self._changed()

    def reuse_image_of(self, earlier: Build) -> None:
        """A rollback: run an earlier build's image again, with its commit and manifest."""
        self.commit_sha, self.image = earlier.commit_sha, earlier.image
        self.manifest = earlier.manifest
        self._changed()

    def request_cancel(self, now: datetime) -> None:
        """Its worker stops it within seconds (a queued, unclaimed build is cancelled at once)."""
        self.cancel_requested_at = now
        self._record(BuildChanged(self.id))

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
        self._changed()

    def _release(self) -> None:
        self.lease_owner = None
        self.lease_expires_at = None

    def _changed(self) -> None:
        queued = self.status is BuildStatus.QUEUED
        self._record(BuildQueued(self.id) if queued else BuildChanged(self.id))


@dataclass(frozen=True)
class LogLine:
    seq: int
    stream: LogStream
    timestamp: datetime
    text: str

"""Builds whose worker vanished (its lease expired) end FAILED as INTERRUPTED, explicitly."""

from __future__ import annotations

from datetime import datetime

from domain.builds.model import Build, BuildPhase, BuildStatus, LogLine, LogStream
from domain.clock import Clock
from domain.errors import ErrorCode
from domain.events import BuildLogAppended
from domain.ports import UnitOfWorkFactory

INTERRUPTED_MESSAGE = "The worker running this build stopped before it finished."


class BuildRecovery:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def fail_interrupted(self) -> list[Build]:
        async with self._uow(read_only=True) as uow:
            candidates = await uow.builds.expired_leases(self._clock.now())
        failed = []
        for candidate in candidates:
            build = await self._fail_if_still_expired(candidate)
            if build is not None:
                failed.append(build)
        return failed

    async def _fail_if_still_expired(self, candidate: Build) -> Build | None:
        async with self._uow() as uow:
            # Tool, then build: the lock order of every other use case.
            tool = await uow.tools.lock(candidate.tool_id)
            build = await uow.builds.lock(candidate.id)
            now = self._clock.now()
            if build is None or not lease_expired(build, now):
                return None  # finished, requeued or renewed meanwhile
            phase = BuildPhase(build.status.value)
            build.fail(phase, ErrorCode.INTERRUPTED, INTERRUPTED_MESSAGE, now)
            await uow.builds.save(build)
            text = f"Build failed [{ErrorCode.INTERRUPTED}]: {INTERRUPTED_MESSAGE}"
            seq = build.log_line_count + 1
            await uow.build_logs.append(build.id, [LogLine(seq, LogStream.SYSTEM, now, text)])
            uow.record(BuildLogAppended(build.id, seq))
            size = build.log_bytes + len(text.encode())
            await uow.builds.record_log_progress(build.id, seq, size)
            if tool is not None and (phase is BuildPhase.STARTING or not tool.has_image):
                tool.fail(now)
                await uow.tools.save(tool)
            await uow.commit()
        return build


def lease_expired(build: Build, now: datetime) -> bool:
    """Running (not queued, not finished) under a lease nobody renewed in time."""
    running = build.status.is_active and build.status is not BuildStatus.QUEUED
    return running and build.lease_expires_at is not None and build.lease_expires_at < now

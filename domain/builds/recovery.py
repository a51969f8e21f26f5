"""Builds whose worker vanished (its lease expired) end FAILED as INTERRUPTED, explicitly."""

from __future__ import annotations

from domain.builds.model import Build, BuildPhase, LogLine, LogStream
from domain.clock import Clock
from domain.errors import ErrorCode
from domain.ports import UnitOfWorkFactory
from domain.tools.model import ToolStatus

INTERRUPTED_MESSAGE = "The worker running this build stopped before it finished."


class BuildRecovery:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def fail_interrupted(self) -> list[Build]:
        now = self._clock.now()
        async with self._uow() as uow:
            expired = await uow.builds.expired_leases(now)
            for build in expired:
                phase = BuildPhase(build.status.value)
                build.fail(phase, ErrorCode.INTERRUPTED, INTERRUPTED_MESSAGE, now)
                await uow.builds.save(build)
                text = f"Build failed [{ErrorCode.INTERRUPTED}]: {INTERRUPTED_MESSAGE}"
                seq = build.log_line_count + 1
                await uow.build_logs.append(build.id, [LogLine(seq, LogStream.SYSTEM, now, text)])
                await uow.builds.record_log_progress(
                    build.id, seq, build.log_bytes + len(text.encode())
                )
                tool = await uow.tools.lock(build.tool_id)
                if tool is not None and (phase is BuildPhase.STARTING or not tool.has_image):
                    tool.status, tool.updated_at = ToolStatus.FAILED, now
                    await uow.tools.save(tool)
            await uow.commit()
        return expired

"""A build's progress, persisted step by step: each step is one short transaction.

Every step locks the tool, then re-reads the build under its own lock, so a step never writes
back a stale copy over a concurrent change (a cancel request, a stop, the lease reaper).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from domain.builds.log_writer import BuildLogWriter
from domain.builds.model import Build, BuildPhase, BuildStatus
from domain.builds.tool_snapshot import Before, health_check, stopped_meanwhile
from domain.clock import Clock
from domain.errors import ErrorCode
from domain.ports import UnitOfWork, UnitOfWorkFactory
from domain.runtime.model import HealthResult
from domain.tools.model import DesiredState, Tool, ToolSecret, ToolStatus

Change = Callable[[Build, Tool], None]


class BuildProgress:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, build_id: uuid.UUID) -> None:
        self._uow = uow
        self._clock = clock
        self._build_id = build_id
        self.before: Before | None = None
        self.launch_attempted = False

    async def build(self) -> Build:
        async with self._uow(read_only=True) as uow:
            build = await uow.builds.get(self._build_id)
        if build is None:
            raise LookupError(f"build {self._build_id} is gone")
        return build

    async def tool(self) -> Tool:
        return (await self._change(lambda build, tool: None))[1]

    async def secrets(self) -> tuple[ToolSecret, ...]:
        build = await self.build()
        async with self._uow(read_only=True) as uow:
            return tuple(await uow.tool_secrets.for_tool(build.tool_id))

    async def advance(self, status: BuildStatus) -> Tool:
        def step(build: Build, tool: Tool) -> None:
            if self.before is None:
                self.before = Before.of(tool)
            build.advance(status, self._clock.now())
            if status is BuildStatus.STARTING:
                tool.status = ToolStatus.STARTING
            elif tool.current_build_id is None:
                tool.status = ToolStatus.BUILDING

        return (await self._change(step))[1]

    async def record_source(self, commit_sha: str, manifest: dict[str, object]) -> None:
        def step(build: Build, tool: Tool) -> None:
            build.commit_sha = commit_sha
            build.manifest = manifest

        await self._change(step)

    async def record_image(self, tag: str) -> None:
        def step(build: Build, tool: Tool) -> None:
            build.image = tag

        await self._change(step)

    async def mark_launched(self) -> None:
        """The tool now runs (or, when stopped meanwhile, will run) this build's image."""

        def step(build: Build, tool: Tool) -> None:
            if build.status.is_finished:
                return  # the reaper ended it meanwhile: it no longer speaks for the tool
            tool.current_build_id = build.id
            tool.commit_sha = build.commit_sha
            tool.manifest = build.manifest
            if build.ref is not None or tool.ref is None:
                tool.ref = build.ref
            if build.manifest:
                tool.description = build.manifest.get("description")
                tool.category = build.manifest.get("machete", {}).get("category")

        await self._change(step)

    async def finish_stopped(self, log: BuildLogWriter) -> None:
        """The tool was stopped while building: the build succeeds, nothing is started."""
        log.system("The tool was stopped meanwhile; the new image starts with the next start.")
        await log.close()

        def step(build: Build, tool: Tool) -> None:
            build.succeed(self._clock.now())
            tool.status = ToolStatus.STOPPED

        await self._change(step)

    async def finish_start(self, log: BuildLogWriter, result: HealthResult) -> None:
        now = self._clock.now()
        if result.healthy:
            log.system(f"Healthy (HTTP {result.status_code}); build succeeded.")
        else:
            log.system(f"error: health check never passed: {result.error or result.status_code}")
        await log.close()

        def step(build: Build, tool: Tool) -> None:
            if result.healthy:
                build.succeed(now)
                tool.status = ToolStatus.RUNNING
            else:
                detail = result.error or f"HTTP {result.status_code}"
                build.fail(
                    BuildPhase.STARTING,
                    ErrorCode.HEALTH_CHECK_FAILED,
                    f"The tool failed its health check: {detail}",
                    now,
                )
                tool.status = ToolStatus.UNHEALTHY

        async with self._uow() as uow:
            build, tool = await self._load(uow)
            step(build, tool)
            await self._save(uow, build, tool)
            await uow.health_checks.add(health_check(tool.id, now, result))
            await uow.commit()

    async def fail(self, log: BuildLogWriter, code: str, message: str) -> None:
        log.system(f"Build failed [{code}]: {message}")
        await log.close()

        def step(build: Build, tool: Tool) -> None:
            build.fail(build.phase, code, message, self._clock.now())
            before = self.before
            if self.launch_attempted or before is None or before.current_build_id is None:
                tool.status = ToolStatus.FAILED
            else:
                tool.status = before.status

        await self._change(step)

    async def cancel(self, log: BuildLogWriter) -> None:
        log.system("Build cancelled.")
        await log.close()

        def step(build: Build, tool: Tool) -> None:
            if build.status.is_finished:
                return  # it ended before the cancel arrived: nothing to undo
            build.cancel(self._clock.now())
            before = self.before or Before.of(tool)
            if self.launch_attempted or tool.current_build_id == build.id:
                before.restore_image(tool)  # its container and image are gone
            if self.launch_attempted or before.current_build_id is None:
                tool.status = ToolStatus.STOPPED
                if not tool.is_being_removed:
                    tool.desired_state = DesiredState.STOPPED
            else:
                tool.status = before.status

        await self._change(step)

    async def release(self, log: BuildLogWriter) -> None:
        """Shutting down: give the build back to the queue to start over."""
        log.system("The worker is shutting down; the build is queued again.")
        await log.close()

        def step(build: Build, tool: Tool) -> None:
            if build.status is not BuildStatus.QUEUED:
                build.advance(BuildStatus.QUEUED, self._clock.now())
            build.lease_owner = None
            build.lease_expires_at = None
            if self.before is not None:
                if tool.current_build_id == build.id:
                    # It had started: point back at the image the tool ran before, so the
                    # rerun starts from there again.
                    self.before.restore_image(tool)
                tool.status = self.before.status

        await self._change(step)

    async def _change(self, step: Change) -> tuple[Build, Tool]:
        async with self._uow() as uow:
            build, tool = await self._load(uow)
            step(build, tool)
            await self._save(uow, build, tool)
            await uow.commit()
        return build, tool

    async def _save(self, uow: UnitOfWork, build: Build, tool: Tool) -> None:
        # Whatever a step sets, a user's stop made during the build wins.
        stopped_meanwhile(tool)
        tool.updated_at = self._clock.now()
        await uow.builds.save(build)
        await uow.tools.save(tool)

    async def _load(self, uow: UnitOfWork) -> tuple[Build, Tool]:
        snapshot = await uow.builds.get(self._build_id)
        if snapshot is None:
            raise LookupError(f"build {self._build_id} is gone")
        # Tool first, then build: the same order as every other use case, so no deadlock.
        tool = await uow.tools.lock(snapshot.tool_id)
        build = await uow.builds.lock(self._build_id)
        if tool is None or build is None:
            raise LookupError(f"build {self._build_id} or its tool is gone")
        return build, tool

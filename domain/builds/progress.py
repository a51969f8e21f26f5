"""A build's progress, persisted step by step: each step is one short transaction.

Every step locks the tool, then re-reads the build under its own lock, so a step never writes
back a stale copy over a concurrent change (a cancel request, a stop, the lease reaper).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from domain.builds.log_writer import BuildLogWriter
from domain.builds.model import Build, BuildPhase, BuildStatus
from domain.builds.tool_snapshot import Before
from domain.clock import Clock
from domain.containers import HealthResult
from domain.errors import ErrorCode
from domain.ports import UnitOfWork, UnitOfWorkFactory
from domain.tools.model import Tool, ToolImage
from domain.tools.secrets import ToolSecret
from domain.tools.status import DesiredState

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
            now = self._clock.now()
            build.advance(status, now)
            if status is BuildStatus.STARTING:
                tool.starting(now)
            elif not tool.has_image:
                tool.building(now)

        return (await self._change(step))[1]

    async def record_source(self, commit_sha: str, manifest: dict[str, object]) -> None:
        def step(build: Build, tool: Tool) -> None:
            build.found_source(commit_sha, manifest)

        await self._change(step)

    async def record_image(self, tag: str) -> None:
        def step(build: Build, tool: Tool) -> None:
            build.built_image(tag)

        await self._change(step)

    async def mark_launched(self) -> None:
        """The tool now runs (or, when stopped meanwhile, will run) this build's image."""

        def step(build: Build, tool: Tool) -> None:
            if build.status.is_finished:
                return  # the reaper ended it meanwhile: it no longer speaks for the tool
            tool.run_image(image_of(build, tool), self._clock.now())

        await self._change(step)

    async def switched(self, host_port: int) -> bool:
        """A switch's commit: the tool runs this build's image, in the new container on this
        port (what the gateway's route is built from). Nothing changes when the tool no longer
        wants to run, or the build ended meanwhile (the reaper)."""

        def step(build: Build, tool: Tool) -> None:
            if build.status.is_finished or tool.desired_state is not DesiredState.RUNNING:
                return
            tool.run_image(image_of(build, tool), self._clock.now())
            tool.serve_on(host_port, self._clock.now())

        tool = (await self._change(step))[1]
        return tool.host_port == host_port

    async def switched_back(self, host_port: int) -> None:
        """The gateway did not follow a switch: the tool is on the old container again."""

        def step(build: Build, tool: Tool) -> None:
            if self.before is not None:
                tool.run_image(self.before.image, self._clock.now())
            tool.serve_on(host_port, self._clock.now())

        await self._change(step)

    async def finish_stopped(self, log: BuildLogWriter) -> None:
        """The tool was stopped while building: the build succeeds, nothing is started."""
        log.system("The tool was stopped meanwhile; the new image starts with the next start.")
        await log.close()

        def step(build: Build, tool: Tool) -> None:
            build.succeed(self._clock.now())
            tool.stop(self._clock.now())

        await self._change(step)

    async def finish_start(self, log: BuildLogWriter, result: HealthResult) -> None:
        now = self._clock.now()
        if result.healthy:
            log.system(f"Healthy (HTTP {result.status_code}); build succeeded.")
        else:
            log.system(f"error: health check never passed: {result.error or result.status_code}")
        await log.close()

        def step(build: Build, tool: Tool) -> None:
            tool.started(result.healthy, now)
            if result.healthy:
                build.succeed(now)
            else:
                detail = result.error or f"HTTP {result.status_code}"
                build.fail(
                    BuildPhase.STARTING,
                    ErrorCode.HEALTH_CHECK_FAILED,
                    f"The tool failed its health check: {detail}",
                    now,
                )

        async with self._uow() as uow:
            build, tool = await self._load(uow)
            step(build, tool)
            await uow.health_checks.add(tool.health_check(result, now))
            await self._save(uow, build, tool)
            await uow.commit()

    async def finish_refused(self, log: BuildLogWriter, result: HealthResult) -> None:
        """The new container of a switch never got healthy (and is gone): the build fails, the
        tool goes on as it was, served by the old container all along."""
        detail = result.error or f"HTTP {result.status_code}"
        log.system(f"error: health check never passed: {detail}")
        log.system("The new container was removed; the previous one keeps serving.")
        await log.close()

        def step(build: Build, tool: Tool) -> None:
            now = self._clock.now()
            message = f"The new container failed its health check: {detail}"
            build.fail(BuildPhase.STARTING, ErrorCode.HEALTH_CHECK_FAILED, message, now)
            tool.resume(self.before.status if self.before else tool.status, now)

        await self._change(step)

    async def fail(self, log: BuildLogWriter, code: str, message: str) -> None:
        log.system(f"Build failed [{code}]: {message}")
        await log.close()

        def step(build: Build, tool: Tool) -> None:
            if build.status.is_finished:
                return  # a switch's end ran to completion first (a timeout hit it late)
            now = self._clock.now()
            build.fail(build.phase, code, message, now)
            before = self.before
            if self.launch_attempted or before is None or not before.had_image:
                tool.fail(now)
            else:
                tool.resume(before.status, now)

        await self._change(step)

    async def cancel(self, log: BuildLogWriter) -> None:
        log.system("Build cancelled.")
        await log.close()

        def step(build: Build, tool: Tool) -> None:
            if build.status.is_finished:
                return  # it ended before the cancel arrived: nothing to undo
            now = self._clock.now()
            build.cancel(now)
            before = self.before or Before.of(tool)
            if self.launch_attempted or tool.current_build_id == build.id:
                tool.run_image(before.image, now)  # its container and image are gone
            if self.launch_attempted or not before.had_image:
                tool.stop(now)
            else:
                tool.resume(before.status, now)

        await self._change(step)

    async def release(self, log: BuildLogWriter) -> None:
        """Shutting down: give the build back to the queue to start over."""
        log.system("The worker is shutting down; the build is queued again.")
        await log.close()

        def step(build: Build, tool: Tool) -> None:
            now = self._clock.now()
            build.requeue(now)
            if self.before is not None:
                if tool.current_build_id == build.id:
                    # It had started: point back at the image the tool ran before, so the
                    # rerun starts from there again.
                    tool.run_image(self.before.image, now)
                tool.resume(self.before.status, now)

        await self._change(step)

    async def _change(self, step: Change) -> tuple[Build, Tool]:
        async with self._uow() as uow:
            build, tool = await self._load(uow)
            step(build, tool)
            await self._save(uow, build, tool)
            await uow.commit()
        return build, tool

    async def _save(self, uow: UnitOfWork, build: Build, tool: Tool) -> None:
        # The tool shows its latest build: every step of it is news about the tool too.
        tool.touch(self._clock.now())
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


def image_of(build: Build, tool: Tool) -> ToolImage:
    """What the tool runs once this build's image is launched."""
    manifest = build.manifest
    keeps_ref = build.ref is None and tool.ref is not None
    return ToolImage(
        build.id,
        build.commit_sha,
        manifest,
        tool.ref if keeps_ref else build.ref,
        manifest.get("description") if manifest else tool.description,
        manifest.get("machete", {}).get("category") if manifest else tool.category,
    )

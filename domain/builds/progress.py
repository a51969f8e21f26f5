"""A build's progress, persisted step by step: each step is one short transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from domain.builds.log_writer import BuildLogWriter
from domain.builds.model import Build, BuildPhase, BuildStatus
from domain.clock import Clock
from domain.errors import ErrorCode
from domain.ports import UnitOfWork, UnitOfWorkFactory
from domain.runtime.model import HealthResult
from domain.tools.model import DesiredState, HealthCheck, Tool, ToolSecret, ToolStatus

Change = Callable[[Build, Tool], None]


class BuildProgress:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, build_id: uuid.UUID) -> None:
        self._uow = uow
        self._clock = clock
        self._build_id = build_id

    async def build(self) -> Build:
        async with self._uow() as uow:
            build = await uow.builds.get(self._build_id)
        if build is None:
            raise LookupError(f"build {self._build_id} is gone")
        return build

    async def tool(self) -> Tool:
        return (await self._change(lambda build, tool: None))[1]

    async def secrets(self) -> tuple[ToolSecret, ...]:
        build = await self.build()
        async with self._uow() as uow:
            return tuple(await uow.tool_secrets.for_tool(build.tool_id))

    async def advance(self, status: BuildStatus) -> Tool:
        def step(build: Build, tool: Tool) -> None:
            build.advance(status, self._clock.now())
            if status is BuildStatus.STARTING:
                tool.status = ToolStatus.STARTING
            elif not tool.has_image:
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
        """The tool now runs this build's image, whatever its health turns out to be."""

        def step(build: Build, tool: Tool) -> None:
            tool.current_build_id = build.id
            tool.commit_sha = build.commit_sha
            tool.manifest = build.manifest
            tool.desired_state = DesiredState.RUNNING
            if build.ref is not None or tool.ref is None:
                tool.ref = build.ref
            if build.manifest:
                tool.description = build.manifest.get("description")
                tool.category = build.manifest.get("machete", {}).get("category")

        await self._change(step)

    async def finish_start(self, log: BuildLogWriter, result: HealthResult) -> None:
        now = self._clock.now()
        if result.healthy:
            log.system(f"Healthy (HTTP {result.status_code}); build succeeded.")
        else:
            log.system(f"error: health check never passed: {result.error or result.status_code}")

        def step(build: Build, tool: Tool) -> None:
            if result.healthy:
                build.succeed(now)
                tool.status = ToolStatus.RUNNING
            else:
                build.fail(
                    BuildPhase.STARTING,
                    ErrorCode.HEALTH_CHECK_FAILED,
                    f"The tool failed its health check: {result.error or result.status_code}",
                    now,
                )
                tool.status = ToolStatus.UNHEALTHY

        _, tool = await self._change(step)
        async with self._uow() as uow:
            await uow.health_checks.add(health_check(tool.id, now, result))
            await uow.commit()

    async def fail(self, log: BuildLogWriter, code: str, message: str) -> None:
        log.system(f"Build failed [{code}]: {message}")

        def step(build: Build, tool: Tool) -> None:
            phase = build.phase
            build.fail(phase, code, message, self._clock.now())
            if phase is BuildPhase.STARTING or not tool.has_image:
                tool.status = ToolStatus.FAILED

        await self._change(step)

    async def cancel(self, log: BuildLogWriter) -> None:
        log.system("Build cancelled.")

        def step(build: Build, tool: Tool) -> None:
            build.cancel(self._clock.now())
            if not tool.has_image:
                tool.status = ToolStatus.STOPPED
                tool.desired_state = DesiredState.STOPPED

        await self._change(step)

    async def release(self, log: BuildLogWriter) -> None:
        """Shutting down: give the build back to the queue to start over."""
        log.system("The worker is shutting down; the build is queued again.")

        def step(build: Build, tool: Tool) -> None:
            if build.status is not BuildStatus.QUEUED:
                build.advance(BuildStatus.QUEUED, self._clock.now())
            build.lease_owner = None
            build.lease_expires_at = None

        await self._change(step)

    async def _change(self, step: Change) -> tuple[Build, Tool]:
        async with self._uow() as uow:
            build, tool = await self._load(uow)
            step(build, tool)
            tool.updated_at = self._clock.now()
            await uow.builds.save(build)
            await uow.tools.save(tool)
            await uow.commit()
        return build, tool

    async def _load(self, uow: UnitOfWork) -> tuple[Build, Tool]:
        build = await uow.builds.get(self._build_id)
        if build is None:
            raise LookupError(f"build {self._build_id} is gone")
        tool = await uow.tools.lock(build.tool_id)
        if tool is None:
            raise LookupError(f"the tool of build {self._build_id} is gone")
        return build, tool


def health_check(tool_id: uuid.UUID, now: object, result: HealthResult) -> HealthCheck:
    return HealthCheck(
        tool_id=tool_id,
        checked_at=now,  # type: ignore[arg-type]
        healthy=result.healthy,
        status_code=result.status_code,
        latency_ms=result.latency_ms,
        error=result.error,
    )

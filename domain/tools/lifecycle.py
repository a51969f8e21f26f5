"""Operating installed tools: builds on request, rollback, start/stop/restart, uninstall."""

from __future__ import annotations

import asyncio
import uuid

from domain.builds.model import Build, BuildStatus, BuildTrigger
from domain.clock import Clock
from domain.errors import DomainError, EngineError, ErrorCode, NotFound
from domain.manifest.model import manifest_from_document
from domain.ports import (
    BackgroundTasks,
    BuildSignals,
    ContainerEngine,
    ToolFiles,
    UnitOfWork,
    UnitOfWorkFactory,
)
from domain.runtime.model import container_name
from domain.tools import access
from domain.tools.commands import RequestBuild, Rollback
from domain.tools.model import DesiredState, Tool, ToolStatus
from domain.tools.runtime import Launch, ToolRuntime
from domain.tools.source import validate_source
from domain.users.model import User

CANCEL_WAIT_SECONDS = 20.0


class ToolLifecycle:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        engine: ContainerEngine,
        runtime: ToolRuntime,
        files: ToolFiles,
        signals: BuildSignals,
        background: BackgroundTasks,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._engine = engine
        self._runtime = runtime
        self._files = files
        self._signals = signals
        self._background = background
        self._clock = clock

    async def request_build(
        self, actor: User, command: RequestBuild, trigger: BuildTrigger
    ) -> tuple[Tool, Build]:
        """Queue an update (newest commit of `ref`, or the tool's ref) or a rebuild."""
        access.require_operator(actor)
        async with self._uow() as uow:
            tool = await self._locked(uow, command.tool_id)
            ref = tool.ref
            if trigger is BuildTrigger.UPDATE and command.ref:
                ref = validate_source(tool.repo_url, command.ref, None, allow_local=True).ref
            build = await self._queue(uow, actor, tool, trigger, ref, command.idempotency_key)
            await uow.commit()
        self._signals.build_queued()
        return tool, build

    async def rollback(self, actor: User, command: Rollback) -> tuple[Tool, Build]:
        """Run an earlier successful build's image again (no clone, no image build)."""
        access.require_operator(actor)
        async with self._uow() as uow:
            tool = await self._locked(uow, command.tool_id)
            target = await uow.builds.get(command.build_id)
            if target is None or target.tool_id != tool.id:
                raise NotFound("This tool has no such build.", field=("buildId",))
            if target.status is not BuildStatus.SUCCEEDED or not target.image:
                raise DomainError(
                    "Only a build that succeeded can be rolled back to.",
                    code=ErrorCode.CONFLICT,
                    field=("buildId",),
                )
            if not await self._engine.image_exists(target.image):
                raise DomainError(
                    f"The image of build #{target.number} is gone.",
                    code=ErrorCode.IMAGE_MISSING,
                    field=("buildId",),
                )
            build = await self._queue(uow, actor, tool, BuildTrigger.ROLLBACK, target.ref, None)
            build.commit_sha, build.image = target.commit_sha, target.image
            build.manifest = target.manifest
            await uow.builds.save(build)
            await uow.commit()
        self._signals.build_queued()
        return tool, build

    async def _queue(
        self,
        uow: UnitOfWork,
        actor: User,
        tool: Tool,
        trigger: BuildTrigger,
        ref: str | None,
        idempotency_key: str | None,
    ) -> Build:
        if idempotency_key:
            replay = await uow.builds.get_by_idempotency_key(tool.id, idempotency_key)
            if replay is not None:
                return replay
        if await uow.builds.active_for_tool(tool.id):
            raise DomainError(
                "A build of this tool is already queued or running; cancel it or wait.",
                code=ErrorCode.CONFLICT,
            )
        now = self._clock.now()
        number = await uow.builds.next_number(tool.id)
        build = Build(
            tool.id,
            number,
            trigger,
            ref,
            now,
            requested_by_id=actor.id,
            idempotency_key=idempotency_key,
        )
        await uow.builds.add(build)
        action = f"tool.{trigger.value.lower()}_requested"
        await uow.audit.record(access.event(actor, action, tool, now, build=number))
        return build

    async def start(self, actor: User, tool_id: uuid.UUID) -> Tool:
        access.require_operator(actor)
        tool = await self._set_state(actor, tool_id, DesiredState.RUNNING, ToolStatus.STARTING)
        await self._ensure_container(tool)
        self._background.spawn(f"health of {tool.name}", lambda: self._settle_health(tool.id))
        return tool

    async def stop(self, actor: User, tool_id: uuid.UUID) -> Tool:
        access.require_operator(actor)
        tool = await self._get(tool_id)
        await self._engine.stop_container(container_name(tool.name))
        return await self._set_state(actor, tool_id, DesiredState.STOPPED, ToolStatus.STOPPED)

    async def restart(self, actor: User, tool_id: uuid.UUID) -> Tool:
        access.require_operator(actor)
        tool = await self._get(tool_id)
        await self._engine.stop_container(container_name(tool.name))
        return await self.start(actor, tool_id)

    async def _ensure_container(self, tool: Tool) -> None:
        """Start the existing container, or create it again from the current build."""
        name = container_name(tool.name)
        if await self._engine.container_state(name) is not None:
            await self._engine.start_container(name)
            return
        async with self._uow() as uow:
            build = await uow.builds.get(tool.current_build_id)  # type: ignore[arg-type]
            secrets = tuple(await uow.tool_secrets.for_tool(tool.id))
        if build is None or not build.image or not build.manifest:
            raise EngineError("The tool has no image to start.", code=ErrorCode.IMAGE_MISSING)
        manifest = manifest_from_document(build.manifest)
        await self._runtime.launch(Launch(tool, manifest, build.image, str(build.id), secrets))

    async def _settle_health(self, tool_id: uuid.UUID) -> None:
        tool = await self._get(tool_id)
        try:
            result = await self._runtime.wait_until_healthy(tool)
            status = ToolStatus.RUNNING if result.healthy else ToolStatus.UNHEALTHY
        except DomainError:
            status = ToolStatus.FAILED
        async with self._uow() as uow:
            current = await uow.tools.lock(tool_id)
            if current is None or current.status is not ToolStatus.STARTING:
                return  # stopped, rebuilt or removed meanwhile: that change wins
            current.status = status
            current.updated_at = self._clock.now()
            await uow.tools.save(current)
            await uow.commit()

    async def _set_state(
        self, actor: User, tool_id: uuid.UUID, desired: DesiredState, status: ToolStatus
    ) -> Tool:
        async with self._uow() as uow:
            tool = await self._locked(uow, tool_id)
            if desired is DesiredState.RUNNING and not tool.has_image:
                raise DomainError(
                    "The tool has never been built successfully; nothing to start.",
                    code=ErrorCode.CONFLICT,
                )
            tool.desired_state, tool.status = desired, status
            tool.updated_at = self._clock.now()
            await uow.tools.save(tool)
            action = "tool.started" if desired is DesiredState.RUNNING else "tool.stopped"
            await uow.audit.record(access.event(actor, action, tool, tool.updated_at))
            await uow.commit()
        return tool

    async def uninstall(self, actor: User, tool_id: uuid.UUID, keep_data: bool) -> Tool:
        """Cancel its builds, then remove container, images, data (unless kept) and records."""
        access.require_operator(actor)
        tool = await self._get(tool_id)
        await self._cancel_builds(actor, tool)
        await self._engine.remove_container(container_name(tool.name))
        await self._engine.remove_tool_images(tool.name)
        if not keep_data:
            await asyncio.to_thread(self._files.remove, tool.name)
        async with self._uow() as uow:
            await uow.tools.delete(tool.id)
            now = self._clock.now()
            await uow.audit.record(
                access.event(actor, "tool.uninstalled", tool, now, kept_data=keep_data)
            )
            await uow.commit()
        return tool

    async def _cancel_builds(self, actor: User, tool: Tool) -> None:
        async with self._uow() as uow:
            active = await uow.builds.active_for_tool(tool.id)
        for build in active:
            await self.cancel_build(actor, build.id)
        deadline = asyncio.get_running_loop().time() + CANCEL_WAIT_SECONDS
        while active and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.2)
            async with self._uow() as uow:
                active = await uow.builds.active_for_tool(tool.id)
        if active:
            raise DomainError(
                "A build of this tool did not stop in time; try again.", code=ErrorCode.CONFLICT
            )

    async def cancel_build(self, actor: User, build_id: uuid.UUID) -> Build:
        """A queued build ends at once; a running one is stopped by its worker within seconds."""
        access.require_operator(actor)
        async with self._uow() as uow:
            build = await uow.builds.get(build_id)
            if build is None:
                raise NotFound("No build with this id.", field=("id",))
            if build.status.is_finished:
                raise DomainError(
                    f"The build already ended ({build.status.value}).", code=ErrorCode.CONFLICT
                )
            tool = await self._locked(uow, build.tool_id)
            now = self._clock.now()
            if build.status is BuildStatus.QUEUED and build.lease_owner is None:
                build.cancel(now)
                if not tool.has_image:
                    tool.status, tool.desired_state = ToolStatus.STOPPED, DesiredState.STOPPED
                    tool.updated_at = now
                    await uow.tools.save(tool)
            else:
                build.cancel_requested_at = now
            await uow.builds.save(build)
            await uow.audit.record(
                access.event(actor, "build.cancel_requested", tool, now, build=build.number)
            )
            await uow.commit()
        if build.status.is_active:
            self._signals.cancel_requested(build.id)
        return build

    async def _get(self, tool_id: uuid.UUID) -> Tool:
        async with self._uow() as uow:
            tool = await uow.tools.get(tool_id)
        if tool is None:
            raise NotFound("No tool with this id.", field=("id",))
        return tool

    async def _locked(self, uow: UnitOfWork, tool_id: uuid.UUID) -> Tool:
        tool = await uow.tools.lock(tool_id)
        if tool is None:
            raise NotFound("No tool with this id.", field=("id",))
        return tool

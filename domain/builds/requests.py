"""Builds on request: update (newest commit), rebuild, rollback, and cancelling a build."""

from __future__ import annotations

import uuid
from datetime import datetime

from domain.builds.model import Build, BuildStatus, BuildTrigger
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, NotFound
from domain.ports import BuildSignals, ContainerEngine, UnitOfWork, UnitOfWorkFactory
from domain.tools import access
from domain.tools.commands import RequestBuild, Rollback
from domain.tools.model import Tool
from domain.tools.policy import ToolPolicy
from domain.tools.source import validate_source
from domain.users.model import User


class BuildRequests:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        engine: ContainerEngine,
        signals: BuildSignals,
        policy: ToolPolicy,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._engine = engine
        self._signals = signals
        self._policy = policy
        self._clock = clock

    async def request_build(
        self, actor: User, command: RequestBuild, trigger: BuildTrigger
    ) -> tuple[Tool, Build]:
        """Queue an update (newest commit of `ref`, or the tool's ref) or a rebuild."""
        access.require_operator(actor)
        async with self._uow() as uow:
            tool = await locked_tool(uow, command.tool_id)
            ref = tool.ref
            if trigger is BuildTrigger.UPDATE and command.ref:
                ref = validate_source(
                    tool.repo_url, command.ref, None, allow_local=self._policy.allow_local_repos
                ).ref
            build = await self._queue(uow, actor, tool, trigger, ref, command.idempotency_key)
            await uow.commit()
        self._signals.build_queued()
        return tool, build

    async def rollback(self, actor: User, command: Rollback) -> tuple[Tool, Build]:
        """Run an earlier successful build's image again (no clone, no image build)."""
        access.require_operator(actor)
        # Ask the engine first, outside the transaction: no lock is held across its I/O.
        async with self._uow(read_only=True) as uow:
            target = await uow.builds.get(command.build_id)
        if (
            target is not None
            and target.image
            and not await self._engine.image_exists(target.image)
        ):
            raise DomainError(
                f"The image of build #{target.number} is gone.",
                code=ErrorCode.IMAGE_MISSING,
                field=("build_id",),
            )
        async with self._uow() as uow:
            tool = await locked_tool(uow, command.tool_id)
            target = await uow.builds.get(command.build_id)
            if target is None or target.tool_id != tool.id:
                raise NotFound("This tool has no such build.", field=("build_id",))
            if target.status is not BuildStatus.SUCCEEDED or not target.image:
                raise DomainError(
                    "Only a build that succeeded can be rolled back to.",
                    code=ErrorCode.CONFLICT,
                    field=("build_id",),
                )
            build = await self._queue(uow, actor, tool, BuildTrigger.ROLLBACK, target.ref, None)
            build.reuse_image_of(target)
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
        build = Build.queue(
            tool.id,
            number,
            trigger,
            ref,
            now,
            requested_by_id=actor.id,
            idempotency_key=idempotency_key,
        )
        await uow.builds.add(build)
        # Asking for a build is asking for it to run.
        tool.want_running(now)
        await uow.tools.save(tool)
        action = f"tool.{trigger.value.lower()}_requested"
        await uow.audit.record(access.event(actor, action, tool, now, build=number))
        return build

    async def cancel_build(self, actor: User, build_id: uuid.UUID) -> Build:
        """A queued build ends at once; a running one is stopped by its worker within seconds."""
        access.require_operator(actor)
        async with self._uow() as uow:
            snapshot = await uow.builds.get(build_id)
            if snapshot is None:
                raise NotFound("No build with this id.", field=("id",))
            # A tool being uninstalled may still have its builds cancelled (uninstall does so).
            tool = await uow.tools.lock(snapshot.tool_id)
            build = await uow.builds.lock(build_id)
            if build is None or tool is None:
                raise NotFound("No build with this id.", field=("id",))
            if build.status.is_finished:
                raise DomainError(
                    f"The build already ended ({build.status.value}).", code=ErrorCode.CONFLICT
                )
            now = self._clock.now()
            if build.status is BuildStatus.QUEUED and build.lease_owner is None:
                self._cancel_queued(build, tool, now)
                await uow.builds.save(build)
                await uow.tools.save(tool)
            else:
                build.request_cancel(now)
                await uow.builds.request_cancel(build)
            await uow.audit.record(
                access.event(actor, "build.cancel_requested", tool, now, build=build.number)
            )
            await uow.commit()
        if build.status.is_active:
            self._signals.cancel_requested(build.id)
        return build

    @staticmethod
    def _cancel_queued(build: Build, tool: Tool, now: datetime) -> None:
        build.cancel(now)
        if not tool.has_image and not tool.is_being_removed:
            tool.stop(now)
        else:
            tool.touch(now)  # it shows its latest build, which just ended


async def locked_tool(uow: UnitOfWork, tool_id: uuid.UUID) -> Tool:
    """The tool under a row lock; a tool being uninstalled is already gone for callers."""
    tool = await uow.tools.lock(tool_id)
    if tool is None or tool.is_being_removed:
        raise NotFound("No tool with this id.", field=("id",))
    return tool

"""Operating installed tools: start, stop, restart, and uninstall."""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import Callable
from datetime import datetime

from domain.builds.requests import BuildRequests, locked_tool
from domain.clock import Clock
from domain.containers import container_name, next_container_name
from domain.errors import DomainError, ErrorCode, NotFound
from domain.gateway.sync import RouteSync
from domain.ports import BackgroundTasks, ContainerEngine, ToolFiles, UnitOfWorkFactory
from domain.tools import access
from domain.tools.launcher import ToolLauncher
from domain.tools.model import Tool
from domain.tools.reconciler import ToolReconciler
from domain.tools.rolling_restart import RollingRestart
from domain.tools.status import ToolStatus
from domain.tools.switch import ToolSwitcher
from domain.users.model import User

CANCEL_WAIT_SECONDS = 20.0


class ToolLifecycle:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        engine: ContainerEngine,
        launcher: ToolLauncher,
        files: ToolFiles,
        builds: BuildRequests,
        reconciler: ToolReconciler,
        switcher: ToolSwitcher,
        routes: RouteSync,
        background: BackgroundTasks,
        clock: Clock,
    ) -> None:
        self._switcher = switcher
        self._routes = routes
        self._rolling = RollingRestart(uow, launcher, reconciler, switcher, clock)
        self._uow = uow
        self._engine = engine
        self._launcher = launcher
        self._files = files
        self._builds = builds
        self._background = background
        self._clock = clock
        self._reconciler = reconciler

    async def start(self, actor: User, tool_id: uuid.UUID) -> Tool:
        """Start a fresh container (so current variables and secrets apply); its health is
        settled in the background (RUNNING or UNHEALTHY)."""
        access.require_operator(actor)
        async with self._launcher.lock_for(tool_id):
            tool = await self._start_locked(actor, tool_id)
        self._background.spawn(f"health of {tool.name}", lambda: self._settle_health(tool.id))
        await self._routes.try_apply()
        return tool

    async def _start_locked(self, actor: User, tool_id: uuid.UUID) -> Tool:
        tool = await self._change(actor, tool_id, "tool.started", Tool.start)
        try:
            await self._reconciler.relaunch(tool)
        except DomainError:
            await self._settle(tool.id, healthy=None)
            raise
        return tool

    async def stop(self, actor: User, tool_id: uuid.UUID) -> Tool:
        """Record the wish first, so nothing (a build, the reconciler) starts it meanwhile;
        before taking the tool's lock, so a switch waiting for its new container's health
        (holding the lock) sees it and gives up instead of making the stop wait."""
        access.require_operator(actor)
        tool = await self._change(actor, tool_id, "tool.stopped", Tool.stop)
        async with self._launcher.lock_for(tool_id):
            await self._engine.stop_container(container_name(tool.name))
        await self._routes.try_apply()
        return tool

    async def restart(self, actor: User, tool_id: uuid.UUID) -> Tool:
        """A rolling restart when the tool can run twice (the old container serves until the
        new one is healthy, in the background); else stop, then start."""
        access.require_operator(actor)
        async with self._launcher.lock_for(tool_id):
            tool = await self._get(tool_id)
            if await self._rolls(tool):
                previous = tool.status
                tool = await self._change(actor, tool_id, "tool.started", Tool.start)
                work = functools.partial(self._rolling.run, tool_id, previous)
                self._background.spawn(f"restart of {tool.name}", work)
                return tool
            await self._engine.stop_container(container_name(tool.name))
            tool = await self._start_locked(actor, tool_id)
        self._background.spawn(f"health of {tool.name}", lambda: self._settle_health(tool.id))
        await self._routes.try_apply()
        return tool

    async def _rolls(self, tool: Tool) -> bool:
        if not tool.has_image:
            return False
        try:
            launch = await self._reconciler.launch_of(tool)
        except DomainError:
            return False  # the start that follows says why
        return await self._switcher.why_not_rolling(launch) is None

    async def _settle_health(self, tool_id: uuid.UUID) -> None:
        try:
            tool = await self._get(tool_id)
        except NotFound:
            return  # uninstalled meanwhile
        try:
            healthy: bool | None = (await self._launcher.wait_until_healthy(tool)).healthy
        except DomainError:
            healthy = None
        await self._settle(tool_id, healthy)

    async def _settle(self, tool_id: uuid.UUID, healthy: bool | None) -> None:
        """How the start ended: healthy, unhealthy, or failed (None)."""
        async with self._uow() as uow:
            current = await uow.tools.lock(tool_id)
            if current is None or current.status is not ToolStatus.STARTING:
                return  # stopped, rebuilt or removed meanwhile: that change wins
            now = self._clock.now()
            if healthy is None:
                current.fail(now)
            else:
                current.settle(healthy, now)
            await uow.tools.save(current)
            await uow.commit()

    async def _change(
        self, actor: User, tool_id: uuid.UUID, action: str, change: Callable[[Tool, datetime], None]
    ) -> Tool:
        async with self._uow() as uow:
            tool = await locked_tool(uow, tool_id)
            change(tool, self._clock.now())
            await uow.tools.save(tool)
            await uow.audit.record(access.event(actor, action, tool, tool.updated_at))
            await uow.commit()
        return tool

    async def uninstall(self, actor: User, tool_id: uuid.UUID, keep_data: bool) -> Tool:
        """Refuse new work for the tool, cancel its builds, then remove container, images,
        data (unless kept) and records. Retrying after a failure picks up where it stopped."""
        access.require_operator(actor)
        tool = await self._mark_removed(tool_id)
        await self._cancel_builds(actor, tool)
        async with self._launcher.lock_for(tool_id):
            await self._engine.remove_container(next_container_name(tool.name))
            await self._engine.remove_container(container_name(tool.name))
            await self._engine.remove_tool_images(tool.name)
        if not keep_data:
            await asyncio.to_thread(self._files.remove, tool.name)
        async with self._uow() as uow:
            tool.forget()
            await uow.tools.delete(tool)
            now = self._clock.now()
            await uow.audit.record(
                access.event(actor, "tool.uninstalled", tool, now, kept_data=keep_data)
            )
            await uow.commit()
        self._launcher.forget(tool.id)
        await self._routes.try_apply()
        return tool

    async def _mark_removed(self, tool_id: uuid.UUID) -> Tool:
        async with self._uow() as uow:
            tool = await uow.tools.lock(tool_id)
            if tool is None:
                raise NotFound("No tool with this id.", field=("id",))
            tool.mark_removed(self._clock.now())
            await uow.tools.save(tool)
            await uow.commit()
        return tool

    async def _cancel_builds(self, actor: User, tool: Tool) -> None:
        async with self._uow(read_only=True) as uow:
            active = await uow.builds.active_for_tool(tool.id)
        for build in active:
            if build.cancel_requested_at is None:
                await self._builds.cancel_build(actor, build.id)
        deadline = asyncio.get_running_loop().time() + CANCEL_WAIT_SECONDS
        while active and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.2)
            async with self._uow(read_only=True) as uow:
                active = await uow.builds.active_for_tool(tool.id)
        if active:
            raise DomainError(
                "A build of this tool did not stop in time; try again.", code=ErrorCode.CONFLICT
            )

    async def _get(self, tool_id: uuid.UUID) -> Tool:
        async with self._uow(read_only=True) as uow:
            tool = await uow.tools.get(tool_id)
        if tool is None or tool.is_being_removed:
            raise NotFound("No tool with this id.", field=("id",))
        return tool

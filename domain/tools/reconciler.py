"""Bringing a tool's container to running: start the one there is, or create it again."""

from __future__ import annotations

import logging
import uuid

from domain.clock import Clock
from domain.containers import container_name, next_container_name
from domain.errors import DomainError, EngineError, ErrorCode
from domain.manifest.model import manifest_from_document
from domain.ports import ContainerEngine, UnitOfWorkFactory
from domain.tools.launcher import Launch, ToolLauncher
from domain.tools.model import Tool
from domain.tools.status import DesiredState, ToolStatus

logger = logging.getLogger(__name__)
# A build or a start is in flight for tools in other states: leave those to it.
SETTLED = frozenset({ToolStatus.RUNNING, ToolStatus.UNHEALTHY})
MAX_REVIVAL_FAILURES = 3


class ToolReconciler:
    def __init__(
        self, uow: UnitOfWorkFactory, engine: ContainerEngine, launcher: ToolLauncher, clock: Clock
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._engine = engine
        self._launcher = launcher
        self._failures: dict[uuid.UUID, int] = {}

    async def ensure_running(self, tool: Tool) -> bool:
        """Start or recreate the container; True when it was not running before."""
        name = container_name(tool.name)
        await self._finish_switch(tool)
        state = await self._engine.container_state(name)
        if state is not None and state.host_port not in (None, tool.host_port):
            await self.relaunch(tool)  # not where the tool's route points
            return True
        if state is not None and state.running:
            return False
        if state is not None:
            await self._engine.start_container(name)
        else:
            await self.relaunch(tool)
        return True

    async def _finish_switch(self, tool: Tool) -> None:
        """A switch that was interrupted (a crash) left its new container: kept when the tool
        moved onto its port (the old one then goes), removed otherwise."""
        main, new = container_name(tool.name), next_container_name(tool.name)
        leftover = await self._engine.container_state(new)
        if leftover is None:
            return
        if leftover.host_port != tool.host_port:
            await self._engine.remove_container(new)
            logger.warning("removed %s: a switch of %s did not finish", new, tool.name)
            return
        old = await self._engine.container_state(main)
        if old is not None and old.host_port == tool.host_port:
            await self._engine.remove_container(new)  # both claim the port: keep the named one
            return
        await self._engine.remove_container(main)
        await self._engine.rename_container(new, main)
        logger.warning("finished the switch of %s to its new container", tool.name)

    async def relaunch(self, tool: Tool) -> None:
        """A new container from the current build, with the tool's variables as they are now."""
        await self._launcher.launch(await self.launch_of(tool))

    async def launch_of(self, tool: Tool) -> Launch:
        """What starting the tool's current build takes, with its variables as they are now."""
        async with self._uow(read_only=True) as uow:
            build_id = tool.current_build_id
            build = await uow.builds.get(build_id) if build_id is not None else None
            secrets = tuple(await uow.tool_secrets.for_tool(tool.id))
        if build is None or not build.image or not build.manifest:
            raise EngineError("The tool has no image to start.", code=ErrorCode.IMAGE_MISSING)
        manifest = manifest_from_document(build.manifest)
        return Launch(tool, manifest, build.image, str(build.id), secrets)

    async def reconcile_all(self) -> list[str]:
        """Make the engine match what should run: a container stopped or removed behind our
        back (by hand, or by a daemon restart) is started again. Returns the tools revived."""
        async with self._uow(read_only=True) as uow:
            tools = [tool for tool in await uow.tools.running() if tool.status in SETTLED]
        revived = []
        for tool in tools:
            if await self._revive(tool.id):
                revived.append(tool.name)
        await self._stop_unwanted()
        return revived

    async def _stop_unwanted(self) -> None:
        """A tool stopped in MACHETE stays stopped, whoever started its container."""
        async with self._uow(read_only=True) as uow:
            tools = await uow.tools.stopped()
        for tool in tools:
            async with self._launcher.lock_for(tool.id):
                async with self._uow(read_only=True) as uow:
                    current = await uow.tools.get(tool.id)
                if current is None or current.desired_state is not DesiredState.STOPPED:
                    continue
                # A switch's new container too: stopped, not removed, since a switch in
                # another process may still be finishing (it renames its new container).
                for name in (container_name(tool.name), next_container_name(tool.name)):
                    await self._stop_if_running(tool, name)

    async def _stop_if_running(self, tool: Tool, name: str) -> None:
        try:
            state = await self._engine.container_state(name)
            if state is not None and state.running:
                await self._engine.stop_container(name)
                logger.warning("tool %s should be stopped; stopped %s", tool.name, name)
        except DomainError as error:
            logger.warning("could not stop %s: %s", name, error.message)

    async def _revive(self, tool_id: uuid.UUID) -> bool:
        async with self._launcher.lock_for(tool_id):
            tool = await self._current(tool_id)
            if tool is None:
                return False
            try:
                revived = await self.ensure_running(tool)
            except DomainError as error:
                await self._note_failure(tool, error)
                return False
        self._failures.pop(tool_id, None)
        if revived:
            logger.warning("tool %s was not running; started it again", tool.name)
        return revived

    async def _current(self, tool_id: uuid.UUID) -> Tool | None:
        """The tool as it is now, if it still should run (a stop or uninstall may have won)."""
        async with self._uow(read_only=True) as uow:
            tool = await uow.tools.get(tool_id)
        if tool is None or tool.desired_state is not DesiredState.RUNNING:
            return None
        return tool if tool.status in SETTLED and tool.has_image else None

    async def _note_failure(self, tool: Tool, error: DomainError) -> None:
        failures = self._failures.get(tool.id, 0) + 1
        self._failures[tool.id] = failures
        logger.warning("could not bring %s back (%d): %s", tool.name, failures, error.message)
        if failures < MAX_REVIVAL_FAILURES:
            return
        self._failures.pop(tool.id, None)
        async with self._uow() as uow:
            current = await uow.tools.lock(tool.id)
            if current is not None and current.status in SETTLED:
                current.fail(self._clock.now())
                await uow.tools.save(current)
                await uow.commit()

"""A restart that keeps the tool serving: a new container from the current build (with the
variables and secrets as they are now) starts beside the old one, and the switch follows
(`domain/tools/switch.py`). Runs in the background, after `ToolLifecycle.restart` has shown
the tool STARTING; the old container serves throughout, and on if the new one fails."""

from __future__ import annotations

import logging
import uuid

from domain.clock import Clock
from domain.errors import DomainError
from domain.ports import UnitOfWorkFactory
from domain.tools.launcher import ToolLauncher
from domain.tools.model import Tool
from domain.tools.reconciler import ToolReconciler
from domain.tools.status import DesiredState, ToolStatus
from domain.tools.switch import ToolSwitcher, uninterrupted

logger = logging.getLogger(__name__)


class RestartRecord:
    """A restart's switch as the database keeps it: only the port changes, not the build."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, tool_id: uuid.UUID) -> None:
        self._uow = uow
        self._clock = clock
        self._tool_id = tool_id

    async def switched(self, host_port: int) -> bool:
        return await self._move(host_port, only_if_wanted=True)

    async def switched_back(self, host_port: int) -> None:
        await self._move(host_port, only_if_wanted=False)

    async def _move(self, host_port: int, *, only_if_wanted: bool) -> bool:
        async with self._uow() as uow:
            tool = await uow.tools.lock(self._tool_id)
            if tool is None:
                return False
            if only_if_wanted and tool.desired_state is not DesiredState.RUNNING:
                return False
            tool.serve_on(host_port, self._clock.now())
            await uow.tools.save(tool)
            await uow.commit()
        return True


class RollingRestart:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        launcher: ToolLauncher,
        reconciler: ToolReconciler,
        switcher: ToolSwitcher,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._launcher = launcher
        self._reconciler = reconciler
        self._switcher = switcher
        self._clock = clock

    async def run(self, tool_id: uuid.UUID, previous: ToolStatus) -> None:
        """Switch to a fresh container; on failure the tool shows `previous` again (its old
        container never stopped serving)."""
        async with self._launcher.lock_for(tool_id):
            tool = await self._restarting(tool_id)
            if tool is None:
                return  # stopped, started again or removed meanwhile: that change decided
            try:
                switched = await self._switch(tool)
            except DomainError as error:
                logger.warning("restarting %s failed: %s", tool.name, error.message)
                switched = False
            await self._settle(tool_id, None if switched else previous)

    async def _switch(self, tool: Tool) -> bool:
        def note(text: str) -> None:
            logger.info("restart of %s: %s", tool.name, text)

        launch = await self._reconciler.launch_of(tool)
        candidate = await self._switcher.start_beside(launch, note)
        if not candidate.ready:
            if not candidate.withdrawn:
                note(f"the new container never got healthy: {candidate.health.error}")
            return False
        record = RestartRecord(self._uow, self._clock, tool.id)
        return await uninterrupted(self._switcher.cut_over(tool, candidate, record, note))

    async def _restarting(self, tool_id: uuid.UUID) -> Tool | None:
        async with self._uow(read_only=True) as uow:
            tool = await uow.tools.get(tool_id)
        if tool is None or tool.desired_state is not DesiredState.RUNNING:
            return None
        return tool if tool.status is ToolStatus.STARTING else None

    async def _settle(self, tool_id: uuid.UUID, previous: ToolStatus | None) -> None:
        """RUNNING on the new container, or (`previous` given) as it was before."""
        async with self._uow() as uow:
            tool = await uow.tools.lock(tool_id)
            if tool is None or tool.status is not ToolStatus.STARTING:
                return  # a stop (or another change) since has decided the status
            if previous is None:
                tool.settle(True, self._clock.now())
            else:
                tool.resume(previous, self._clock.now())
            await uow.tools.save(tool)
            await uow.commit()

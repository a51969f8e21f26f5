"""Keeps checking tools that should be running, and keeps their recent results."""

from __future__ import annotations

import logging
from datetime import timedelta

from domain.clock import Clock
from domain.containers import HealthResult
from domain.errors import DomainError
from domain.ports import UnitOfWorkFactory
from domain.tools.launcher import ToolLauncher
from domain.tools.model import Tool
from domain.tools.status import ToolStatus

logger = logging.getLogger(__name__)
MONITORED = frozenset({ToolStatus.RUNNING, ToolStatus.UNHEALTHY})


class HealthMonitor:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        launcher: ToolLauncher,
        clock: Clock,
        history_size: int,
        starting_grace: timedelta = timedelta(minutes=2),
    ) -> None:
        self._starting_grace = starting_grace
        self._uow = uow
        self._launcher = launcher
        self._clock = clock
        self._history_size = history_size

    async def check_all(self) -> None:
        async with self._uow(read_only=True) as uow:
            tools = [tool for tool in await uow.tools.running() if self._watched(tool)]
        for tool in tools:
            try:
                await self.check(tool)
            except DomainError as error:
                logger.warning("health check of %s failed: %s", tool.name, error.message)

    def _watched(self, tool: Tool) -> bool:
        return tool.status in MONITORED or self._stuck_starting(tool)

    def _stuck_starting(self, tool: Tool) -> bool:
        """STARTING for longer than any start takes: whatever was settling it is gone (a
        restart of the server, say), so the monitor settles it."""
        too_old = self._clock.now() - self._starting_grace
        return tool.status is ToolStatus.STARTING and tool.updated_at < too_old

    async def check(self, tool: Tool) -> HealthResult:
        result = await self._launcher.probe(tool)
        now = self._clock.now()
        async with self._uow() as uow:
            current = await uow.tools.lock(tool.id)
            if current is None:
                return result
            await uow.health_checks.add(current.health_check(result, now))
            await uow.health_checks.prune(tool.id, self._history_size)
            stuck = self._stuck_starting(current) and not await uow.builds.active_for_tool(tool.id)
            if current.status in MONITORED or stuck:
                current.settle(result.healthy, now)
            await uow.tools.save(current)
            await uow.commit()
        return result

"""Keeps checking tools that should be running, and keeps their recent results."""

from __future__ import annotations

import logging

from domain.clock import Clock
from domain.errors import DomainError
from domain.ports import UnitOfWorkFactory
from domain.runtime.model import HealthResult
from domain.tools.model import HealthCheck, Tool, ToolStatus
from domain.tools.runtime import ToolRuntime

logger = logging.getLogger(__name__)
MONITORED = frozenset({ToolStatus.RUNNING, ToolStatus.UNHEALTHY})


class HealthMonitor:
    def __init__(
        self, uow: UnitOfWorkFactory, runtime: ToolRuntime, clock: Clock, history_size: int
    ) -> None:
        self._uow = uow
        self._runtime = runtime
        self._clock = clock
        self._history_size = history_size

    async def check_all(self) -> None:
        async with self._uow(read_only=True) as uow:
            tools = [tool for tool in await uow.tools.running() if tool.status in MONITORED]
        for tool in tools:
            try:
                await self.check(tool)
            except DomainError as error:
                logger.warning("health check of %s failed: %s", tool.name, error.message)

    async def check(self, tool: Tool) -> HealthResult:
        result = await self._runtime.probe(tool)
        now = self._clock.now()
        async with self._uow() as uow:
            current = await uow.tools.lock(tool.id)
            if current is None:
                return result
            await uow.health_checks.add(
                HealthCheck(
                    tool_id=tool.id,
                    checked_at=now,
                    healthy=result.healthy,
                    status_code=result.status_code,
                    latency_ms=result.latency_ms,
                    error=result.error,
                )
            )
            await uow.health_checks.prune(tool.id, self._history_size)
            if current.status in MONITORED:
                current.status = ToolStatus.RUNNING if result.healthy else ToolStatus.UNHEALTHY
                current.updated_at = now
                await uow.tools.save(current)
            await uow.commit()
        return result

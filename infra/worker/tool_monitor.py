"""Keeps tools as they should be: the reconciler, then the health checks, every interval, in
the one process that holds the monitor's leadership (so replicas never fight over a tool)."""

from __future__ import annotations

from domain.tools.health_monitor import HealthMonitor
from domain.tools.reconciler import ToolReconciler
from infra.db.leadership import ToolMonitorLeadership
from infra.worker.background import every


class ToolMonitor:
    def __init__(
        self,
        leadership: ToolMonitorLeadership,
        reconciler: ToolReconciler,
        health: HealthMonitor,
        interval_seconds: float,
    ) -> None:
        self._leadership = leadership
        self._reconciler = reconciler
        self._health = health
        self._interval = interval_seconds

    async def run(self) -> None:
        await every(self._interval, self.check_once, "tool monitor")

    async def check_once(self) -> None:
        if await self._leadership.leads():
            await self._reconciler.reconcile_all()
            await self._health.check_all()

"""The health monitor: checks what should run, keeps history, and settles stuck starts."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from domain.containers import HealthResult
from domain.tools.health_monitor import HealthMonitor
from domain.tools.status import ToolStatus
from tests.unit.tool_fakes import ToolWorld


@pytest.fixture
def world(tmp_path: Path) -> ToolWorld:
    return ToolWorld(tmp_path, health_history_size=3)


def monitor(world: ToolWorld) -> HealthMonitor:
    return world.services().health


async def set_status(world: ToolWorld, tool_id: uuid.UUID, status: ToolStatus) -> None:
    async with world.uow() as uow:
        tool = await uow.tools.lock(tool_id)
        assert tool is not None
        tool.status, tool.updated_at = status, world.clock.now()
        await uow.tools.save(tool)
        await uow.commit()


async def test_a_failing_check_makes_a_running_tool_unhealthy_and_history_is_capped(
    world: ToolWorld,
) -> None:
    tool, _ = await world.installed(built=True)
    world.probe.results = [HealthResult(healthy=False, status_code=500)]
    for _ in range(5):
        await monitor(world).check_all()
    assert world.tool(tool.id).status is ToolStatus.UNHEALTHY
    history = [c for c in world.store.health_checks.values() if c.tool_id == tool.id]
    assert len(history) == 3


async def test_a_tool_stuck_starting_is_settled_once_its_start_is_long_over(
    world: ToolWorld,
) -> None:
    tool, _ = await world.installed(built=True)
    await set_status(world, tool.id, ToolStatus.STARTING)
    await monitor(world).check_all()
    assert world.tool(tool.id).status is ToolStatus.STARTING  # still within the grace
    world.clock.advance(minutes=3)
    await monitor(world).check_all()
    assert world.tool(tool.id).status is ToolStatus.RUNNING

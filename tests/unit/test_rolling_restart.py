"""Restarts that keep the tool serving, and the gateway's routes following stops and starts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from domain.containers import HealthResult, container_name, next_container_name
from domain.gateway.routes import RouteState
from domain.manifest.model import DeployStrategy
from domain.tools import launcher as launcher_module
from domain.tools.policy import ToolPolicy
from domain.tools.status import DesiredState, ToolStatus
from tests.unit.tool_fakes import ToolWorld, a_manifest, a_user

MAIN, NEXT = container_name("hello"), next_container_name("hello")
UNHEALTHY = HealthResult(healthy=False, status_code=500)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ToolWorld:
    monkeypatch.setattr(launcher_module, "HEALTH_POLL_SECONDS", 0.001)
    return ToolWorld(tmp_path)


async def test_a_restart_starts_a_fresh_container_beside_the_running_one(
    world: ToolWorld,
) -> None:
    tool, build = await world.installed(built=True)
    old = world.engine.containers[MAIN]
    await world.configuration().set_environment(a_user(), tool.id, {"GREETING": "changed"})

    restarted = await world.lifecycle().restart(a_user(), tool.id)

    assert restarted.status is ToolStatus.STARTING
    assert world.engine.containers == {MAIN: old}, "nothing changes before the background work"
    await world.background.run_all()
    started = world.engine.runs[-1]
    assert (started.name, started.image) == (NEXT, build.image)
    assert started.environment["GREETING"] == "changed"
    after = world.tool(tool.id)
    assert (after.status, after.host_port) == (ToolStatus.RUNNING, started.host_port)
    assert after.host_port != tool.host_port
    assert after.current_build_id == build.id
    assert list(world.engine.containers) == [MAIN]
    assert world.engine.containers[MAIN].container_id != old.container_id


async def test_a_restart_whose_new_container_fails_keeps_the_old_one_and_its_status(
    world: ToolWorld,
) -> None:
    world.policy = ToolPolicy(health_timeout_seconds=0.05)
    tool, _ = await world.installed(built=True)
    old = world.engine.containers[MAIN]
    world.probe.results = [UNHEALTHY]

    await world.lifecycle().restart(a_user(), tool.id)
    await world.background.run_all()

    after = world.tool(tool.id)
    assert (after.status, after.host_port) == (ToolStatus.RUNNING, tool.host_port)
    assert world.engine.containers == {MAIN: old}


async def test_a_stop_after_a_restart_was_asked_for_wins(world: ToolWorld) -> None:
    tool, _ = await world.installed(built=True)
    await world.lifecycle().restart(a_user(), tool.id)
    await world.lifecycle().stop(a_user(), tool.id)
    runs = len(world.engine.runs)

    await world.background.run_all()

    assert len(world.engine.runs) == runs
    after = world.tool(tool.id)
    assert (after.status, after.desired_state) == (ToolStatus.STOPPED, DesiredState.STOPPED)


async def test_a_recreate_tool_restarts_by_stopping_then_starting(world: ToolWorld) -> None:
    world.manifests.manifest = replace(a_manifest(), deploy=DeployStrategy.RECREATE)
    tool, _ = await world.installed(built=True)

    await world.lifecycle().restart(a_user(), tool.id)

    assert world.engine.stopped == [MAIN]
    started = world.engine.runs[-1]
    assert (started.name, started.host_port) == (MAIN, tool.host_port)
    await world.background.run_all()
    assert world.tool(tool.id).status is ToolStatus.RUNNING


async def test_restarting_a_stopped_tool_is_a_plain_start(world: ToolWorld) -> None:
    tool, _ = await world.installed(built=True)
    await world.lifecycle().stop(a_user(), tool.id)

    await world.lifecycle().restart(a_user(), tool.id)

    started = world.engine.runs[-1]
    assert (started.name, started.host_port) == (MAIN, tool.host_port)


async def test_the_routes_follow_stop_and_start(world: ToolWorld) -> None:
    tool, _ = await world.installed(built=True)

    await world.lifecycle().stop(a_user(), tool.id)
    table = world.gateway.table
    assert table is not None and table.routes[0].state is RouteState.STOPPED

    await world.lifecycle().start(a_user(), tool.id)
    table = world.gateway.table
    assert table is not None and table.routes[0].state is RouteState.SERVING


async def test_stop_and_start_succeed_while_the_gateway_is_down(world: ToolWorld) -> None:
    tool, _ = await world.installed(built=True)
    world.gateway.down = True

    await world.lifecycle().stop(a_user(), tool.id)
    await world.lifecycle().start(a_user(), tool.id)

    assert world.tool(tool.id).desired_state is DesiredState.RUNNING
    assert world.gateway.applied == []


async def test_uninstalling_removes_a_leftover_new_container_and_the_route(
    world: ToolWorld,
) -> None:
    tool, _ = await world.installed(built=True)
    world.engine.containers[NEXT] = world.engine.containers[MAIN]

    await world.lifecycle().uninstall(a_user(), tool.id, keep_data=False)

    assert world.engine.containers == {}
    table = world.gateway.table
    assert table is not None and table.routes == ()

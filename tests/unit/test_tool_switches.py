"""Zero-downtime switches through the build pipeline: the new container starts beside the old
one, the tool moves onto it once it is healthy, the old one goes after the drain."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from domain.builds.model import Build, BuildPhase, BuildStatus, BuildTrigger
from domain.builds.pipeline import BuildControl, BuildLimits
from domain.containers import ContainerSpec, HealthResult, container_name, next_container_name
from domain.errors import ErrorCode
from domain.gateway.addresses import Upstream
from domain.gateway.routes import RouteState, RouteTable
from domain.manifest.model import DeployStrategy, Volume
from domain.tools import launcher as launcher_module
from domain.tools import switch as switch_module
from domain.tools.commands import RequestBuild, Rollback
from domain.tools.policy import ToolPolicy
from domain.tools.status import DesiredState, ToolStatus
from tests.unit.tool_fakes import ToolWorld, a_manifest, a_user

MAIN, NEXT = container_name("hello"), next_container_name("hello")
HEALTHY = HealthResult(healthy=True, status_code=200, latency_ms=2)
UNHEALTHY = HealthResult(healthy=False, status_code=503, latency_ms=1)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ToolWorld:
    monkeypatch.setattr(launcher_module, "HEALTH_POLL_SECONDS", 0.001)
    monkeypatch.setattr(switch_module, "DRAIN_POLL_SECONDS", 0.001)
    return ToolWorld(tmp_path)


async def rebuild(world: ToolWorld, tool_id: uuid.UUID) -> Build:
    _, build = await world.build_requests().request_build(
        a_user(), RequestBuild(tool_id), BuildTrigger.REBUILD
    )
    return build


def stored_port_at_each_probe(world: ToolWorld, tool_id: uuid.UUID) -> list[tuple[str, int]]:
    """(probed URL, the tool's stored port at that moment) for every probe from now on."""
    seen: list[tuple[str, int]] = []
    check = world.probe.check

    async def spy(url: str, timeout_seconds: float) -> HealthResult:
        seen.append((url, world.tool(tool_id).host_port))
        return await check(url, timeout_seconds)

    world.probe.check = spy
    return seen


async def test_a_rebuild_moves_the_tool_to_the_new_container_only_once_it_is_healthy(
    world: ToolWorld,
) -> None:
    tool, first = await world.installed(built=True)
    old = world.engine.containers[MAIN]
    second = await rebuild(world, tool.id)
    world.probe.results = [UNHEALTHY, UNHEALTHY, HEALTHY]
    probes = stored_port_at_each_probe(world, tool.id)

    await world.pipeline().run(second.id, BuildControl())

    new_port = tool.host_port + 1
    assert probes == [(f"http://127.0.0.1:{new_port}/health", tool.host_port)] * 3
    started = world.engine.runs[-1]
    assert (started.name, started.host_port, started.image) == (NEXT, new_port, "machete/hello:2")
    assert started.labels["machete.port"] == str(new_port)
    after = world.tool(tool.id)
    assert (after.host_port, after.current_build_id) == (new_port, second.id)
    assert (after.status, world.build(second.id).status) == (
        ToolStatus.RUNNING,
        BuildStatus.SUCCEEDED,
    )
    assert world.engine.renamed == [(NEXT, MAIN)]
    assert list(world.engine.containers) == [MAIN]
    assert world.engine.containers[MAIN].container_id != old.container_id
    assert MAIN in world.engine.stopped, "the old one is stopped before it is removed"
    table = world.gateway.table
    assert table is not None
    assert table.upstream_of(tool.id) == Upstream("127.0.0.1", new_port)
    assert first.id != second.id


async def test_the_old_container_serves_until_its_requests_have_drained(
    world: ToolWorld,
) -> None:
    world.policy = ToolPolicy(health_timeout_seconds=1.0, drain_seconds=30.0)
    tool, _ = await world.installed(built=True)
    old_upstream = Upstream("127.0.0.1", tool.host_port)
    world.gateway.in_flight_counts[old_upstream] = 2
    second = await rebuild(world, tool.id)
    switched, apply = asyncio.Event(), world.gateway.apply

    async def apply_and_tell(table: RouteTable) -> None:
        await apply(table)
        switched.set()

    world.gateway.apply = apply_and_tell
    task = asyncio.create_task(world.pipeline().run(second.id, BuildControl()))

    await asyncio.wait_for(switched.wait(), 5)
    assert world.tool(tool.id).host_port != tool.host_port
    await asyncio.sleep(0.05)
    assert world.engine.containers[MAIN].running, "still answering its requests"
    assert MAIN not in world.engine.stopped
    assert world.build(second.id).status is BuildStatus.STARTING

    world.gateway.in_flight_counts[old_upstream] = 0
    await asyncio.wait_for(task, 5)
    assert world.engine.stopped == [MAIN]
    assert list(world.engine.containers) == [MAIN]
    assert world.build(second.id).status is BuildStatus.SUCCEEDED


async def test_the_old_container_serves_for_the_settle_time_though_nothing_is_in_flight(
    world: ToolWorld,
) -> None:
    """A request taken before the switch may still be in its sign-in check, on its way to the
    old container: it must find it there."""
    world.policy = ToolPolicy(
        health_timeout_seconds=1.0, drain_seconds=30.0, switch_settle_seconds=0.5
    )
    tool, _ = await world.installed(built=True)
    second = await rebuild(world, tool.id)
    switched, apply = asyncio.Event(), world.gateway.apply

    async def apply_and_tell(table: RouteTable) -> None:
        await apply(table)
        switched.set()

    world.gateway.apply = apply_and_tell
    task = asyncio.create_task(world.pipeline().run(second.id, BuildControl()))
    await asyncio.wait_for(switched.wait(), 5)
    loop = asyncio.get_running_loop()
    at_switch = loop.time()
    await asyncio.sleep(0.2)
    assert MAIN not in world.engine.stopped
    await asyncio.wait_for(task, 5)
    assert loop.time() - at_switch >= 0.45
    assert world.engine.stopped == [MAIN]


async def test_the_drain_ends_after_drain_seconds_even_with_requests_in_flight(
    world: ToolWorld,
) -> None:
    world.policy = ToolPolicy(health_timeout_seconds=1.0, drain_seconds=0.05)
    tool, _ = await world.installed(built=True)
    world.gateway.in_flight_counts[Upstream("127.0.0.1", tool.host_port)] = 1
    second = await rebuild(world, tool.id)

    await asyncio.wait_for(world.pipeline().run(second.id, BuildControl()), 5)

    assert world.build(second.id).status is BuildStatus.SUCCEEDED
    assert world.engine.stopped == [MAIN]


async def test_a_broken_update_fails_the_build_and_leaves_the_old_container_serving(
    world: ToolWorld,
) -> None:
    world.policy = ToolPolicy(health_timeout_seconds=0.05)
    tool, first = await world.installed(built=True)
    old = world.engine.containers[MAIN]
    tables = len(world.gateway.applied)
    second = await rebuild(world, tool.id)
    world.probe.results = [UNHEALTHY]

    await world.pipeline().run(second.id, BuildControl())

    failed = world.build(second.id)
    assert failed.status is BuildStatus.FAILED
    assert failed.failure is not None
    assert (failed.failure.phase, failed.failure.code) == (
        BuildPhase.STARTING,
        ErrorCode.HEALTH_CHECK_FAILED,
    )
    after = world.tool(tool.id)
    assert after.status is ToolStatus.RUNNING
    assert (after.current_build_id, after.commit_sha, after.manifest) == (
        first.id,
        tool.commit_sha,
        tool.manifest,
    )
    assert after.host_port == tool.host_port
    assert world.engine.containers == {MAIN: old}, "the old one untouched, the new one gone"
    assert world.engine.stopped == []
    assert len(world.gateway.applied) == tables, "the route never moved"
    log = [line.text for line in world.store.logs(second.id)]
    assert "The new container was removed; the previous one keeps serving." in log


async def test_a_new_container_that_exits_fails_the_build_and_the_old_one_keeps_serving(
    world: ToolWorld,
) -> None:
    tool, first = await world.installed(built=True)
    old = world.engine.containers[MAIN]
    second = await rebuild(world, tool.id)
    world.engine.keeps_running = False
    world.probe.results = [HealthResult(healthy=False, error="connection refused")]

    await world.pipeline().run(second.id, BuildControl())

    failure = world.build(second.id).failure
    assert failure is not None and failure.code is ErrorCode.CONTAINER_START_FAILED
    after = world.tool(tool.id)
    assert (after.status, after.current_build_id) == (ToolStatus.RUNNING, first.id)
    assert world.engine.containers == {MAIN: old}


async def test_a_recreate_tool_is_stopped_before_its_new_container_starts(
    world: ToolWorld,
) -> None:
    world.manifests.manifest = replace(a_manifest(), deploy=DeployStrategy.RECREATE)
    tool, _ = await world.installed(built=True)
    second = await rebuild(world, tool.id)
    removed_before_run: list[list[str]] = []
    run = world.engine.run_container

    async def spy(spec: ContainerSpec) -> str:
        removed_before_run.append(list(world.engine.removed))
        return await run(spec)

    world.engine.run_container = spy
    await world.pipeline().run(second.id, BuildControl())

    assert removed_before_run == [[MAIN]]
    started = world.engine.runs[-1]
    assert (started.name, started.host_port) == (MAIN, tool.host_port)
    assert world.tool(tool.id).host_port == tool.host_port
    assert world.build(second.id).status is BuildStatus.SUCCEEDED
    log = [line.text for line in world.store.logs(second.id)]
    assert any("machete.deploy: recreate" in line for line in log)


async def test_volumes_a_running_container_could_redirect_make_the_switch_a_recreate(
    world: ToolWorld,
) -> None:
    tool, _ = await world.installed(built=True)
    nested = (Volume("./data/cache", "/app/cache"),)  # inside the old one's writable ./data
    world.manifests.manifest = replace(a_manifest(), volumes=nested)
    second = await rebuild(world, tool.id)

    await world.pipeline().run(second.id, BuildControl())

    started = world.engine.runs[-1]
    assert (started.name, started.host_port) == (MAIN, tool.host_port)
    log = [line.text for line in world.store.logs(second.id)]
    assert any("lies inside" in line and "/data" in line for line in log), log


async def test_a_rollback_switches_to_the_earlier_image_beside_the_running_one(
    world: ToolWorld,
) -> None:
    tool, first = await world.installed(built=True)
    second = await rebuild(world, tool.id)
    await world.pipeline().run(second.id, BuildControl())
    port_before = world.tool(tool.id).host_port
    _, rollback = await world.build_requests().rollback(a_user(), Rollback(tool.id, first.id))

    await world.pipeline().run(rollback.id, BuildControl())

    started = world.engine.runs[-1]
    assert (started.name, started.image) == (NEXT, first.image)
    after = world.tool(tool.id)
    assert after.current_build_id == rollback.id
    assert after.host_port == started.host_port != port_before
    assert list(world.engine.containers) == [MAIN]


async def test_a_stop_during_the_health_wait_wins_at_once(world: ToolWorld) -> None:
    world.policy = ToolPolicy(health_timeout_seconds=30.0)
    tool, first = await world.installed(built=True)
    second = await rebuild(world, tool.id)
    world.probe.results = [UNHEALTHY]
    world.engine.container_started.clear()
    task, _ = await world.start_run(second.id, world.engine.container_started)

    await asyncio.wait_for(world.lifecycle().stop(a_user(), tool.id), 2)
    await asyncio.wait_for(task, 2)

    assert NEXT not in world.engine.containers
    assert not world.engine.containers[MAIN].running
    after = world.tool(tool.id)
    assert (after.status, after.desired_state) == (ToolStatus.STOPPED, DesiredState.STOPPED)
    assert after.host_port == tool.host_port
    assert world.build(second.id).status is BuildStatus.SUCCEEDED  # as when stopped building
    assert after.current_build_id == second.id != first.id  # what the next start runs
    table = world.gateway.table
    assert table is not None and table.routes[0].state is RouteState.STOPPED


async def test_a_gateway_that_cannot_be_told_leaves_the_old_container_serving(
    world: ToolWorld,
) -> None:
    tool, first = await world.installed(built=True)
    old = world.engine.containers[MAIN]
    second = await rebuild(world, tool.id)
    world.gateway.down = True

    await world.pipeline().run(second.id, BuildControl())

    failure = world.build(second.id).failure
    assert failure is not None and failure.code is ErrorCode.GATEWAY_UNAVAILABLE
    after = world.tool(tool.id)
    assert (after.status, after.host_port) == (ToolStatus.RUNNING, tool.host_port)
    assert (after.current_build_id, after.commit_sha) == (first.id, tool.commit_sha)
    assert world.engine.containers == {MAIN: old}


async def test_an_install_during_a_switch_does_not_take_the_new_containers_port(
    world: ToolWorld,
) -> None:
    world.policy = ToolPolicy(health_timeout_seconds=30.0)
    tool, _ = await world.installed(built=True)
    second = await rebuild(world, tool.id)
    world.probe.results = [UNHEALTHY]
    world.engine.container_started.clear()
    task, control = await world.start_run(second.id, world.engine.container_started)
    switching_to = world.engine.runs[-1].host_port

    other, _ = await world.installed("other")

    assert other.host_port not in (tool.host_port, switching_to)
    await world.stop_run(task, control, "cancel")
    third, _ = await world.installed("third")
    assert third.host_port == switching_to, "free again once the switch gave up"


async def test_a_build_timeout_during_the_drain_lets_the_switch_finish(world: ToolWorld) -> None:
    world.policy = ToolPolicy(health_timeout_seconds=1.0, drain_seconds=0.5)
    tool, _ = await world.installed(built=True)
    world.gateway.in_flight_counts[Upstream("127.0.0.1", tool.host_port)] = 1
    second = await rebuild(world, tool.id)

    pipeline = world.pipeline(BuildLimits(timeout_seconds=0.2))
    await asyncio.wait_for(pipeline.run(second.id, BuildControl()), 5)

    assert world.build(second.id).status is BuildStatus.SUCCEEDED
    after = world.tool(tool.id)
    assert (after.status, after.current_build_id) == (ToolStatus.RUNNING, second.id)
    assert list(world.engine.containers) == [MAIN]
    assert world.engine.containers[MAIN].host_port == after.host_port != tool.host_port

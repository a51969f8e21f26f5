"""The pipeline's harder paths: cancel after start, stop while building, lost leases, bugs."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from domain.builds.model import Build, BuildPhase, BuildStatus, BuildTrigger
from domain.builds.pipeline import BuildControl
from domain.containers import HealthResult, container_name
from domain.errors import EngineError, ErrorCode
from domain.manifest.model import DeployStrategy
from domain.tools.commands import RequestBuild
from domain.tools.policy import ToolPolicy
from domain.tools.status import DesiredState, ToolStatus
from tests.unit.tool_fakes import ToolWorld, a_manifest, a_user

UNHEALTHY = HealthResult(healthy=False, error="connection failed")


@pytest.fixture
def world(tmp_path: Path) -> ToolWorld:
    return ToolWorld(tmp_path)


async def rebuild(world: ToolWorld, tool_id: uuid.UUID) -> Build:
    _, build = await world.build_requests().request_build(
        a_user(),
        RequestBuild(tool_id),
        BuildTrigger.REBUILD,
    )
    await world.claim(build.id)
    return build


async def test_a_cancel_while_the_new_container_starts_removes_only_it_and_its_image(
    world: ToolWorld,
) -> None:
    world.policy = ToolPolicy(health_timeout_seconds=30.0)
    tool, first = await world.installed(built=True)
    serving = world.engine.containers[container_name(tool.name)]
    second = await rebuild(world, tool.id)
    world.probe.results = [UNHEALTHY]
    world.engine.container_started.clear()
    task, control = await world.start_run(second.id, world.engine.container_started)

    await world.stop_run(task, control, "cancel")

    assert world.build(second.id).status is BuildStatus.CANCELLED
    assert world.engine.containers == {container_name(tool.name): serving}
    assert "machete/hello:2" not in world.engine.images
    assert "machete/hello:1" in world.engine.images
    after = world.tool(tool.id)
    assert (after.current_build_id, after.host_port) == (first.id, tool.host_port)
    assert (after.status, after.desired_state) == (ToolStatus.RUNNING, DesiredState.RUNNING)


async def test_a_cancel_while_starting_a_recreated_tool_removes_its_container_and_image(
    world: ToolWorld,
) -> None:
    world.policy = ToolPolicy(health_timeout_seconds=30.0)
    world.manifests.manifest = replace(a_manifest(), deploy=DeployStrategy.RECREATE)
    tool, first = await world.installed(built=True)
    second = await rebuild(world, tool.id)
    world.probe.results = [UNHEALTHY]
    world.engine.container_started.clear()
    task, control = await world.start_run(second.id, world.engine.container_started)

    await world.stop_run(task, control, "cancel")

    assert world.build(second.id).status is BuildStatus.CANCELLED
    assert container_name(tool.name) not in world.engine.containers
    assert "machete/hello:2" not in world.engine.images
    assert "machete/hello:1" in world.engine.images
    after = world.tool(tool.id)
    assert after.current_build_id == first.id
    assert (after.status, after.desired_state) == (ToolStatus.STOPPED, DesiredState.STOPPED)


async def test_a_tool_stopped_while_building_gets_its_image_but_is_not_started(
    world: ToolWorld,
) -> None:
    world.engine.build_seconds = 0.3
    tool, first = await world.installed(built=True)
    second = await rebuild(world, tool.id)
    task = asyncio.create_task(world.pipeline().run(second.id, BuildControl()))
    await asyncio.wait_for(world.engine.build_started.wait(), 5)
    await world.lifecycle().stop(a_user(), tool.id)
    runs_before = len(world.engine.runs)
    await asyncio.wait_for(task, 5)

    assert world.build(second.id).status is BuildStatus.SUCCEEDED
    assert len(world.engine.runs) == runs_before
    after = world.tool(tool.id)
    assert (after.status, after.desired_state) == (ToolStatus.STOPPED, DesiredState.STOPPED)
    assert after.current_build_id == second.id != first.id
    assert container_name(tool.name) not in world.engine.containers


async def test_a_failed_rebuild_leaves_a_running_tool_as_it_was(world: ToolWorld) -> None:
    tool, first = await world.installed(built=True)
    second = await rebuild(world, tool.id)
    world.engine.build_error = EngineError("step failed", code=ErrorCode.IMAGE_BUILD_FAILED)
    await world.pipeline().run(second.id, BuildControl())

    failure = world.build(second.id).failure
    assert failure is not None and failure.phase is BuildPhase.BUILDING
    after = world.tool(tool.id)
    assert (after.status, after.current_build_id) == (ToolStatus.RUNNING, first.id)


async def test_an_unexpected_error_fails_the_build_without_leaving_it_active(
    world: ToolWorld,
) -> None:
    _, build = await world.installed()
    await world.claim(build.id)
    world.engine.build_error = RuntimeError("a bug")
    await world.pipeline().run(build.id, BuildControl())

    failed = world.build(build.id)
    assert failed.status is BuildStatus.FAILED
    assert failed.failure is not None
    assert failed.failure.code == ErrorCode.INTERNAL_ERROR
    assert "a bug" not in failed.failure.message


async def test_a_build_whose_lease_was_lost_stops_without_writing_its_status(
    world: ToolWorld,
) -> None:
    world.engine.build_seconds = 30
    _, build = await world.installed()
    await world.claim(build.id)
    task, control = await world.start_run(build.id)

    with pytest.raises(asyncio.CancelledError):
        await world.stop_run(task, control, "lease_lost")

    assert world.build(build.id).status is BuildStatus.BUILDING


async def test_the_final_status_is_committed_after_the_last_log_line(world: ToolWorld) -> None:
    _, build = await world.installed()
    await world.claim(build.id)
    world.engine.build_output = [f"line {n}" for n in range(50)]
    world.engine.build_error = EngineError("boom", code=ErrorCode.IMAGE_BUILD_FAILED)
    lines_at_finish: list[int] = []
    record, build_id = world.store.record_status, build.id

    def spy(build: Build) -> None:  # its parameter named as the method's, which it replaces
        if build.status is BuildStatus.FAILED and not lines_at_finish:
            lines_at_finish.append(len(world.store.logs(build_id)))
        record(build)

    world.store.record_status = spy
    await world.pipeline().run(build.id, BuildControl())

    logs = world.store.logs(build.id)
    assert logs[-1].text.startswith("Build failed [IMAGE_BUILD_FAILED]")
    assert lines_at_finish == [len(logs)]  # a reader who sees FAILED sees every line


async def test_a_cancel_during_an_uninstall_leaves_the_tool_marked_for_removal(
    world: ToolWorld,
) -> None:
    world.engine.build_seconds = 30
    tool, build = await world.installed()
    await world.claim(build.id)
    task, control = await world.start_run(build.id)
    async with world.uow() as uow:
        stored = await uow.tools.lock(tool.id)
        assert stored is not None
        stored.desired_state = DesiredState.REMOVED
        await uow.tools.save(stored)
        await uow.commit()

    await world.stop_run(task, control, "cancel")
    assert world.build(build.id).status is BuildStatus.CANCELLED
    assert world.tool(tool.id).desired_state is DesiredState.REMOVED


async def test_a_cancel_is_recorded_even_when_cleaning_up_fails(world: ToolWorld) -> None:
    world.engine.build_seconds = 30
    _, build = await world.installed()
    await world.claim(build.id)

    async def engine_down(tag: str) -> None:
        raise EngineError("The Docker engine is not reachable.", code=ErrorCode.ENGINE_UNAVAILABLE)

    world.engine.remove_image = engine_down
    task, control = await world.start_run(build.id)
    await world.stop_run(task, control, "cancel")
    assert world.build(build.id).status is BuildStatus.CANCELLED
    assert any("cleaning up" in line.text for line in world.store.logs(build.id))


async def test_a_shutdown_after_the_new_container_started_points_the_tool_back(
    world: ToolWorld,
) -> None:
    world.policy = ToolPolicy(health_timeout_seconds=30.0)
    tool, first = await world.installed(built=True)
    second = await rebuild(world, tool.id)
    world.probe.results = [UNHEALTHY]
    world.engine.container_started.clear()
    task, control = await world.start_run(second.id, world.engine.container_started)
    await asyncio.sleep(0.05)  # mark_launched has committed; now waiting for health

    with pytest.raises(asyncio.CancelledError):
        await world.stop_run(task, control, "shutdown")

    assert world.build(second.id).status is BuildStatus.QUEUED
    after = world.tool(tool.id)
    assert (after.current_build_id, after.commit_sha) == (first.id, first.commit_sha)
    assert "machete/hello:1" in world.engine.images
    assert list(world.engine.containers) == [container_name(tool.name)]  # the new one is gone

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from domain.builds.model import BuildStatus, BuildTrigger
from domain.builds.requests import BuildRequests
from domain.containers import container_name
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.tools.commands import RequestBuild, Rollback
from domain.tools.lifecycle import ToolLifecycle
from domain.tools.status import DesiredState, ToolStatus
from domain.users.model import Role
from tests.unit.tool_fakes import ToolWorld, a_user

MAINTAINER = a_user(Role.MAINTAINER)


@pytest.fixture
def world(tmp_path: Path) -> ToolWorld:
    return ToolWorld(tmp_path)


@pytest.fixture
def lifecycle(world: ToolWorld) -> ToolLifecycle:
    return world.lifecycle()


@pytest.fixture
def requests(world: ToolWorld) -> BuildRequests:
    return world.build_requests()


async def test_a_build_is_refused_while_another_is_active(
    world: ToolWorld, requests: BuildRequests
) -> None:
    tool, _ = await world.installed()
    world.signals.queued.clear()
    with pytest.raises(DomainError) as caught:
        await requests.request_build(MAINTAINER, RequestBuild(tool.id), BuildTrigger.REBUILD)
    assert caught.value.code is ErrorCode.CONFLICT
    assert len(world.store.builds) == 1
    assert world.signals.queued == []


async def test_an_update_after_a_finished_build_queues_the_next_number(
    world: ToolWorld, requests: BuildRequests
) -> None:
    tool, _ = await world.installed(built=True)
    _, build = await requests.request_build(
        MAINTAINER, RequestBuild(tool.id, ref="v2"), BuildTrigger.UPDATE
    )
    stored = world.build(build.id)
    assert (stored.number, stored.ref, stored.status) == (2, "v2", BuildStatus.QUEUED)
    assert world.signals.queued[-1] >= {build.id}


async def test_a_viewer_may_not_request_a_build(world: ToolWorld, requests: BuildRequests) -> None:
    tool, _ = await world.installed(built=True)
    with pytest.raises(Forbidden):
        await requests.request_build(
            a_user(Role.VIEWER, "vera"), RequestBuild(tool.id), BuildTrigger.REBUILD
        )


async def test_rollback_refuses_a_build_that_failed(
    world: ToolWorld, requests: BuildRequests
) -> None:
    tool, good = await world.installed(built=True)
    failed = await world.put_build(
        good,
        id=uuid.uuid4(),
        number=2,
        status=BuildStatus.FAILED,
        failure=None,
    )
    with pytest.raises(DomainError) as caught:
        await requests.rollback(MAINTAINER, Rollback(tool.id, failed.id))
    assert (caught.value.code, caught.value.field) == (ErrorCode.CONFLICT, ("build_id",))
    assert len(world.store.builds) == 2


async def test_rollback_refuses_a_build_of_another_tool(
    world: ToolWorld, requests: BuildRequests
) -> None:
    tool, _ = await world.installed("one", built=True)
    _, foreign = await world.installed("two", built=True)
    with pytest.raises(NotFound) as caught:
        await requests.rollback(MAINTAINER, Rollback(tool.id, foreign.id))
    assert caught.value.field == ("build_id",)
    assert len(world.store.builds) == 2


async def test_rollback_queues_a_build_with_the_earlier_image_manifest_and_commit(
    world: ToolWorld, requests: BuildRequests
) -> None:
    tool, first = await world.installed(built=True)
    world.signals.queued.clear()
    _, rollback = await requests.rollback(MAINTAINER, Rollback(tool.id, first.id))

    stored = world.build(rollback.id)
    assert (stored.trigger, stored.status, stored.number) == (
        BuildTrigger.ROLLBACK,
        BuildStatus.QUEUED,
        2,
    )
    assert (stored.image, stored.manifest, stored.commit_sha) == (
        first.image,
        first.manifest,
        first.commit_sha,
    )
    assert stored.image == "machete/hello:1"
    assert world.signals.queued == [{first.id, rollback.id}]


async def test_rollback_refuses_an_image_that_is_gone(
    world: ToolWorld, requests: BuildRequests
) -> None:
    tool, first = await world.installed(built=True)
    world.engine.images.clear()
    with pytest.raises(DomainError) as caught:
        await requests.rollback(MAINTAINER, Rollback(tool.id, first.id))
    assert caught.value.code is ErrorCode.IMAGE_MISSING


async def test_cancelling_an_unclaimed_queued_build_ends_it_at_once(
    world: ToolWorld, requests: BuildRequests
) -> None:
    tool, build = await world.installed()
    cancelled = await requests.cancel_build(MAINTAINER, build.id)

    stored = world.build(build.id)
    assert cancelled.status is stored.status is BuildStatus.CANCELLED
    assert stored.finished_at == world.clock.now()
    assert (world.tool(tool.id).status, world.tool(tool.id).desired_state) == (
        ToolStatus.STOPPED,
        DesiredState.STOPPED,
    )
    assert world.signals.cancels == []
    assert world.store.audit[-1].action == "build.cancel_requested"


async def test_cancelling_a_queued_build_of_a_tool_that_runs_keeps_the_tool_running(
    world: ToolWorld, requests: BuildRequests
) -> None:
    tool, _ = await world.installed(built=True)
    _, build = await requests.request_build(MAINTAINER, RequestBuild(tool.id), BuildTrigger.REBUILD)
    await requests.cancel_build(MAINTAINER, build.id)
    assert world.build(build.id).status is BuildStatus.CANCELLED
    assert (world.tool(tool.id).status, world.tool(tool.id).desired_state) == (
        ToolStatus.RUNNING,
        DesiredState.RUNNING,
    )


async def test_cancelling_a_claimed_build_asks_its_worker_to_stop(
    world: ToolWorld, requests: BuildRequests
) -> None:
    _, build = await world.installed()
    await world.claim(build.id)
    world.clock.advance(seconds=5)

    await requests.cancel_build(MAINTAINER, build.id)
    stored = world.build(build.id)
    assert stored.status is BuildStatus.QUEUED, "the worker ends it, not the request"
    assert stored.cancel_requested_at == world.clock.now()
    assert world.signals.cancels == [build.id]


async def test_cancelling_a_finished_build_is_a_conflict(
    world: ToolWorld, requests: BuildRequests
) -> None:
    _, build = await world.installed(built=True)
    with pytest.raises(DomainError) as caught:
        await requests.cancel_build(MAINTAINER, build.id)
    assert caught.value.code is ErrorCode.CONFLICT
    assert world.build(build.id).status is BuildStatus.SUCCEEDED
    assert world.signals.cancels == []


async def test_stop_stops_the_container_and_records_the_desired_state(
    world: ToolWorld, lifecycle: ToolLifecycle
) -> None:
    tool, _ = await world.installed(built=True)
    stopped = await lifecycle.stop(MAINTAINER, tool.id)

    assert world.engine.stopped == [container_name("hello")]
    assert not world.engine.containers[container_name("hello")].running
    stored = world.tool(tool.id)
    assert (stored.status, stored.desired_state) == (ToolStatus.STOPPED, DesiredState.STOPPED)
    assert stopped.status is ToolStatus.STOPPED
    assert world.store.audit[-1].action == "tool.stopped"


async def test_starting_a_tool_that_was_never_built_is_a_conflict(
    world: ToolWorld, lifecycle: ToolLifecycle
) -> None:
    tool, _ = await world.installed()
    with pytest.raises(DomainError) as caught:
        await lifecycle.start(MAINTAINER, tool.id)
    assert caught.value.code is ErrorCode.CONFLICT
    assert world.tool(tool.id).status is ToolStatus.PENDING
    assert (world.engine.started, world.engine.runs, world.background.spawned) == ([], [], [])


async def test_start_after_stop_runs_a_fresh_container_with_current_variables(
    world: ToolWorld, lifecycle: ToolLifecycle
) -> None:
    tool, _ = await world.installed(built=True)
    await lifecycle.stop(MAINTAINER, tool.id)
    await world.configuration().set_environment(MAINTAINER, tool.id, {"GREETING": "changed"})
    runs = len(world.engine.runs)
    started = await lifecycle.start(MAINTAINER, tool.id)

    assert started.status is ToolStatus.STARTING
    assert len(world.engine.runs) == runs + 1
    assert world.engine.runs[-1].environment["GREETING"] == "changed"
    await world.background.run_all()
    stored = world.tool(tool.id)
    assert (stored.status, stored.desired_state) == (ToolStatus.RUNNING, DesiredState.RUNNING)

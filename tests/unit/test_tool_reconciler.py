"""The reconciler: containers of tools that should run are brought back when they are not, and
what an interrupted switch left behind is finished or removed."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from domain.containers import PORT_LABEL, container_name, next_container_name
from domain.errors import EngineError, ErrorCode
from domain.tools.reconciler import ToolReconciler
from domain.tools.status import ToolStatus
from domain.users.model import Role
from tests.unit.tool_fakes import ToolWorld, a_user

MAINTAINER = a_user(Role.MAINTAINER)
NAME = container_name("hello")


@pytest.fixture
def world(tmp_path: Path) -> ToolWorld:
    return ToolWorld(tmp_path)


def reconciler_of(world: ToolWorld) -> ToolReconciler:
    return world.services().reconciler


async def test_a_container_removed_by_hand_is_created_again_from_the_current_build(
    world: ToolWorld,
) -> None:
    _, build = await world.installed(built=True)
    del world.engine.containers[NAME]
    assert await reconciler_of(world).reconcile_all() == ["hello"]
    assert world.engine.containers[NAME].running
    assert world.engine.runs[-1].image == build.image


async def test_a_container_stopped_by_hand_is_started_again(world: ToolWorld) -> None:
    await world.installed(built=True)
    state = world.engine.containers[NAME]
    world.engine.containers[NAME] = dataclasses.replace(state, running=False, status="exited")
    runs = len(world.engine.runs)
    assert await reconciler_of(world).reconcile_all() == ["hello"]
    assert world.engine.started == [NAME] and len(world.engine.runs) == runs


async def test_running_containers_and_tools_meant_to_be_stopped_are_left_alone(
    world: ToolWorld,
) -> None:
    tool, _ = await world.installed(built=True)
    assert await reconciler_of(world).reconcile_all() == []
    await world.lifecycle().stop(MAINTAINER, tool.id)
    assert await reconciler_of(world).reconcile_all() == []
    assert not world.engine.containers[NAME].running


async def test_a_tool_being_started_or_built_is_not_touched(world: ToolWorld) -> None:
    tool, _ = await world.installed(built=True)
    del world.engine.containers[NAME]
    async with world.uow() as uow:
        stored = await uow.tools.get(tool.id)
        assert stored is not None
        stored.status = ToolStatus.STARTING
        await uow.tools.save(stored)
        await uow.commit()
    assert await reconciler_of(world).reconcile_all() == []
    assert NAME not in world.engine.containers


async def test_a_tool_that_cannot_be_brought_back_is_marked_failed_after_three_tries(
    world: ToolWorld,
) -> None:
    tool, _ = await world.installed(built=True)
    del world.engine.containers[NAME]

    async def port_taken(spec: object) -> str:
        raise EngineError("port is already allocated", code=ErrorCode.CONTAINER_START_FAILED)

    world.engine.run_container = port_taken
    reconciler = reconciler_of(world)
    for _ in range(2):
        assert await reconciler.reconcile_all() == []
        assert world.tool(tool.id).status is ToolStatus.RUNNING
    assert await reconciler.reconcile_all() == []
    assert world.tool(tool.id).status is ToolStatus.FAILED
    assert await reconciler.reconcile_all() == []  # and it stops trying


async def test_a_container_started_by_hand_for_a_stopped_tool_is_stopped_again(
    world: ToolWorld,
) -> None:
    tool, _ = await world.installed(built=True)
    await world.lifecycle().stop(MAINTAINER, tool.id)
    await world.engine.start_container(NAME)  # behind MACHETE's back
    assert await reconciler_of(world).reconcile_all() == []
    assert not world.engine.containers[NAME].running


# An interrupted switch (a crash between its steps) converges.

NEXT = next_container_name("hello")


async def run_beside(world: ToolWorld, port: int) -> None:
    """A switch's new container on `port`, as a crash left it."""
    spec = world.engine.runs[-1]
    labels = {**spec.labels, PORT_LABEL: str(port)}
    await world.engine.run_container(replace(spec, name=NEXT, host_port=port, labels=labels))


async def move_tool_to(world: ToolWorld, tool_id: uuid.UUID, port: int) -> None:
    async with world.uow() as uow:
        tool = await uow.tools.lock(tool_id)
        assert tool is not None
        tool.serve_on(port, world.clock.now())
        await uow.tools.save(tool)
        await uow.commit()


async def test_a_new_container_whose_switch_never_committed_is_removed(world: ToolWorld) -> None:
    tool, _ = await world.installed(built=True)
    serving = world.engine.containers[NAME]
    await run_beside(world, tool.host_port + 1)

    assert await reconciler_of(world).reconcile_all() == []

    assert world.engine.containers == {NAME: serving}


async def test_a_switch_that_committed_keeps_the_new_container_under_the_tools_name(
    world: ToolWorld,
) -> None:
    tool, _ = await world.installed(built=True)
    await run_beside(world, tool.host_port + 1)
    new = world.engine.containers[NEXT]
    await move_tool_to(world, tool.id, tool.host_port + 1)

    assert await reconciler_of(world).reconcile_all() == []

    assert world.engine.containers == {NAME: new}
    assert world.engine.renamed == [(NEXT, NAME)]


async def test_a_switch_that_removed_the_old_container_gets_its_name_back(
    world: ToolWorld,
) -> None:
    tool, _ = await world.installed(built=True)
    await run_beside(world, tool.host_port + 1)
    await move_tool_to(world, tool.id, tool.host_port + 1)
    del world.engine.containers[NAME]

    await reconciler_of(world).reconcile_all()

    assert list(world.engine.containers) == [NAME]
    assert world.engine.containers[NAME].host_port == tool.host_port + 1


async def test_a_container_on_another_port_than_the_tools_is_replaced(world: ToolWorld) -> None:
    tool, _ = await world.installed(built=True)
    await move_tool_to(world, tool.id, tool.host_port + 5)

    assert await reconciler_of(world).reconcile_all() == ["hello"]

    assert world.engine.containers[NAME].host_port == tool.host_port + 5
    assert world.engine.runs[-1].host_port == tool.host_port + 5


async def test_a_stopped_tools_leftover_new_container_is_stopped_too(world: ToolWorld) -> None:
    tool, _ = await world.installed(built=True)
    await world.lifecycle().stop(MAINTAINER, tool.id)
    await run_beside(world, tool.host_port + 1)

    await reconciler_of(world).reconcile_all()

    assert not world.engine.containers[NEXT].running

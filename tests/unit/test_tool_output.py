"""A tool's container output as a feed: the tail, live lines, restarts, and the tool's end."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncGenerator, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from domain.builds.model import LogStream
from domain.containers import ContainerOutput, ContainerState, container_name
from domain.errors import DomainError, ErrorCode, NotFound
from domain.tools.model import Tool
from domain.tools.output import ToolOutput
from domain.users.model import Role
from tests.unit.tool_fakes import ToolWorld, a_user

NAME = container_name("hello")
GUARD_SECONDS = 5  # a hang guard, not a speed requirement

Feed = AsyncGenerator[list[ContainerOutput], None]


@pytest.fixture
def world(tmp_path: Path) -> ToolWorld:
    return ToolWorld(tmp_path)


def feed_of(world: ToolWorld) -> ToolOutput:
    return ToolOutput(world.uow, world.engine, world.clock, poll_seconds=0)


def log_of(world: ToolWorld) -> list[ContainerOutput]:
    return world.engine.output.setdefault(NAME, [])


def printed(world: ToolWorld, *texts: str, seconds: float = 0.0) -> list[ContainerOutput]:
    """Lines the container prints, `seconds` after the feed's clock (negative: before it)."""
    at = world.clock.now() + timedelta(seconds=seconds)
    lines = [
        ContainerOutput(
            LogStream.STDERR if text.startswith("err") else LogStream.STDOUT,
            at + timedelta(milliseconds=index),
            text,
        )
        for index, text in enumerate(texts)
    ]
    log_of(world).extend(lines)
    return lines


def texts(batch: list[ContainerOutput]) -> list[str]:
    return [line.text for line in batch]


async def next_batch(feed: Feed) -> list[ContainerOutput]:
    return await asyncio.wait_for(anext(feed), GUARD_SECONDS)


async def until(condition: Callable[[], bool]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + GUARD_SECONDS
    while not condition():
        assert loop.time() < deadline, "the feed never got there"
        await asyncio.sleep(0.001)


def open_follows(world: ToolWorld) -> int:
    return int(getattr(world.engine, "open_follows", 0))


async def stop_and_wait_for_the_next_container(
    world: ToolWorld, feed: Feed
) -> asyncio.Future[list[ContainerOutput]]:
    """Ask for the feed's next batch, then stop the container and let the feed see its
    stream end: the feed now waits for a container to follow."""
    pending = asyncio.ensure_future(next_batch(feed))
    await until(lambda: open_follows(world) == 1)
    await world.engine.stop_container(NAME)
    await until(lambda: open_follows(world) == 0)
    return pending


async def running_tool(world: ToolWorld) -> Tool:
    tool, _ = await world.installed(built=True)
    assert world.engine.containers[NAME].running
    return tool


async def test_an_unknown_tool_is_not_found(world: ToolWorld) -> None:
    with pytest.raises(NotFound):
        await anext(feed_of(world).follow(uuid.uuid4(), 10))


async def test_a_negative_tail_is_refused(world: ToolWorld) -> None:
    tool = await running_tool(world)
    with pytest.raises(DomainError) as refused:
        await anext(feed_of(world).follow(tool.id, -1))
    assert refused.value.code is ErrorCode.INVALID_INPUT


async def test_the_feed_starts_with_the_last_lines_then_follows_new_ones(
    world: ToolWorld,
) -> None:
    tool = await running_tool(world)
    old = printed(world, "out1", "err1", "out2", "err2", seconds=-10)
    feed = feed_of(world).follow(tool.id, 3)
    assert await next_batch(feed) == old[1:]
    live = printed(world, "out3", "err3")
    assert await next_batch(feed) == live
    assert world.engine.follows == [(NAME, 3, None)]
    await feed.aclose()


async def test_a_restarted_container_shows_only_what_it_printed_since(world: ToolWorld) -> None:
    tool = await running_tool(world)
    printed(world, "before", seconds=-10)
    feed = feed_of(world).follow(tool.id, 1)
    assert texts(await next_batch(feed)) == ["before"]
    [newest] = printed(world, "while running")
    assert texts(await next_batch(feed)) == ["while running"]
    pending = await stop_and_wait_for_the_next_container(world, feed)
    printed(world, "after the restart", seconds=5)
    await world.engine.start_container(NAME)
    assert texts(await pending) == ["after the restart"]
    assert world.engine.follows == [
        (NAME, 1, None),
        (NAME, None, newest.timestamp),
    ]
    await feed.aclose()


async def test_a_container_created_anew_is_shown_from_its_first_line(world: ToolWorld) -> None:
    tool = await running_tool(world)
    printed(world, "old container", seconds=-10)
    feed = feed_of(world).follow(tool.id, 5)
    assert texts(await next_batch(feed)) == ["old container"]
    pending = await stop_and_wait_for_the_next_container(world, feed)
    world.engine.output[NAME] = []
    fresh = printed(world, "new 1", "new 2", seconds=5)
    await world.engine.remove_container(NAME)
    await world.engine.run_container(world.engine.runs[-1])
    assert await pending == fresh
    await feed.aclose()


async def test_an_empty_tail_keeps_older_lines_hidden_after_a_restart(world: ToolWorld) -> None:
    tool = await running_tool(world)
    printed(world, "history", seconds=-10)
    feed = feed_of(world).follow(tool.id, 0)
    pending = await stop_and_wait_for_the_next_container(world, feed)
    printed(world, "new", seconds=5)
    await world.engine.start_container(NAME)
    assert texts(await pending) == ["new"]
    await feed.aclose()


async def test_a_tool_without_a_container_yet_is_followed_once_it_has_one(
    world: ToolWorld,
) -> None:
    tool, _ = await world.installed()
    assert NAME not in world.engine.containers
    feed = feed_of(world).follow(tool.id, 10)
    pending = asyncio.ensure_future(next_batch(feed))
    await until(lambda: len(getattr(world.engine, "follows", [])) == 1)
    first = printed(world, "first line", seconds=5)
    world.engine.containers[NAME] = ContainerState(True, "running")
    assert await pending == first
    await feed.aclose()


async def test_a_restart_asks_the_engine_only_for_lines_since_the_newest_shown(
    world: ToolWorld,
) -> None:
    tool = await running_tool(world)
    history = printed(world, *(f"old {n}" for n in range(1000)), seconds=-10)
    feed = feed_of(world).follow(tool.id, 1)
    assert await next_batch(feed) == history[-1:]
    pending = await stop_and_wait_for_the_next_container(world, feed)
    new = printed(world, "new 1", "new 2", seconds=5)
    await world.engine.start_container(NAME)
    assert await pending == new
    assert world.engine.follows[-1] == (NAME, None, history[-1].timestamp)
    # The tail, the newest line again (the engine includes its instant), and the new ones.
    assert world.engine.lines_sent == 1 + 1 + len(new)
    await feed.aclose()


async def test_an_empty_tail_asks_only_for_lines_since_the_feed_began(world: ToolWorld) -> None:
    tool = await running_tool(world)
    began = world.clock.now()
    printed(world, "history", seconds=-10)
    feed = feed_of(world).follow(tool.id, 0)
    pending = await stop_and_wait_for_the_next_container(world, feed)
    printed(world, "new", seconds=5)
    await world.engine.start_container(NAME)
    assert texts(await pending) == ["new"]
    assert world.engine.follows == [(NAME, 0, None), (NAME, None, began)]
    await feed.aclose()


async def test_a_start_that_crashed_between_two_looks_still_shows_its_lines_though_it_ended_alike(
    world: ToolWorld,
) -> None:
    tool = await running_tool(world)
    feed = feed_of(world).follow(tool.id, 10)
    pending = asyncio.ensure_future(next_batch(feed))
    await until(lambda: open_follows(world) == 1)
    world.engine.crash(NAME, exit_code=1)
    await until(lambda: open_follows(world) == 0)
    before = world.engine.containers[NAME]
    looks = world.engine.state_looks
    await until(lambda: world.engine.state_looks > looks)  # the feed has seen the crash
    crash = printed(world, "err: cannot bind", seconds=5)
    world.engine.start_by_hand(NAME)  # no pause: the feed cannot look while it runs
    world.engine.crash(NAME, exit_code=1)
    after = world.engine.containers[NAME]
    assert dataclasses.replace(after, started_at=before.started_at) == before  # only the start
    assert await pending == crash
    await feed.aclose()


async def test_a_run_that_started_and_crashed_as_the_last_follow_ended_still_shows(
    world: ToolWorld,
) -> None:
    tool = await running_tool(world)
    feed = feed_of(world).follow(tool.id, 10)
    pending = asyncio.ensure_future(next_batch(feed))
    await until(lambda: open_follows(world) == 1)
    crash: list[ContainerOutput] = []

    def start_and_crash_at_once(name: str) -> None:
        world.engine.after_follow = None
        crash.extend(printed(world, "err: cannot bind", seconds=5))
        world.engine.start_by_hand(name)
        world.engine.crash(name, exit_code=1)

    world.engine.after_follow = start_and_crash_at_once
    world.engine.crash(NAME, exit_code=1)
    assert await pending == crash
    await feed.aclose()


async def test_a_container_waiting_for_its_restart_policy_is_not_followed_again_until_it_runs(
    world: ToolWorld,
) -> None:
    tool = await running_tool(world)
    printed(world, "run 1", seconds=-1)
    feed = feed_of(world).follow(tool.id, 10)
    assert texts(await next_batch(feed)) == ["run 1"]
    pending = asyncio.ensure_future(next_batch(feed))
    world.engine.crash(NAME, exit_code=3, restart=True)
    assert world.engine.containers[NAME].running  # what Docker says while it waits
    looks = world.engine.state_looks
    await until(lambda: world.engine.state_looks > looks + 20)
    assert len(world.engine.follows) == 1
    printed(world, "run 2", seconds=5)
    world.engine.start_by_policy(NAME)
    assert texts(await pending) == ["run 2"]
    assert len(world.engine.follows) == 2
    await feed.aclose()


async def test_the_feed_ends_when_the_tool_is_uninstalled(world: ToolWorld) -> None:
    tool = await running_tool(world)
    printed(world, "last words", seconds=-1)
    feed = feed_of(world).follow(tool.id, 10)
    assert texts(await next_batch(feed)) == ["last words"]
    pending = asyncio.ensure_future(next_batch(feed))
    await world.lifecycle().uninstall(a_user(Role.ADMIN), tool.id, keep_data=False)
    with pytest.raises(StopAsyncIteration):
        await pending
    assert open_follows(world) == 0


async def test_closing_the_feed_early_closes_the_engine_stream(world: ToolWorld) -> None:
    tool = await running_tool(world)
    printed(world, "a line", seconds=-1)
    feed = feed_of(world).follow(tool.id, 10)
    await next_batch(feed)
    assert open_follows(world) == 1
    await feed.aclose()
    assert open_follows(world) == 0


async def test_cancelling_the_task_reading_the_feed_closes_the_engine_stream(
    world: ToolWorld,
) -> None:
    tool = await running_tool(world)

    async def read_forever() -> None:
        async for _ in feed_of(world).follow(tool.id, 10):
            pass

    reader = asyncio.ensure_future(read_forever())
    await until(lambda: open_follows(world) == 1)
    reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reader
    assert open_follows(world) == 0

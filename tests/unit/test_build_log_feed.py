"""The build log feed with in-memory stores: replay in chunks, live lines, no gap, no repeat."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from domain.builds.catalog import BuildCatalog
from domain.builds.log_feed import CHUNK_LINES, BuildLogFeed, LogChunk
from domain.builds.model import Build, BuildStatus, BuildTrigger, LogLine, LogStream
from domain.errors import FeedLagged, NotFound
from domain.events import BuildChanged, BuildLogAppended
from domain.live.wakeups import RECHECK_SECONDS
from infra.events.in_process import InProcessEventBus
from tests.unit.fake_store import FakeUnitOfWork, Store

NOW = datetime(2026, 1, 1, tzinfo=UTC)


class World:
    def __init__(self, capacity: int = 256) -> None:
        self.store = Store()
        self.bus = InProcessEventBus(capacity)
        self.builds = BuildCatalog(lambda **_: FakeUnitOfWork(self.store))
        self.build = Build(uuid.uuid4(), 1, BuildTrigger.INSTALL, None, NOW)
        self.build.advance(BuildStatus.CLONING, NOW)
        self.store.builds[self.build.id] = self.build
        self.written = 0

    def feed(
        self, *, chunk_lines: int = CHUNK_LINES, recheck_seconds: float = RECHECK_SECONDS
    ) -> BuildLogFeed:
        return BuildLogFeed(
            self.builds, self.bus, chunk_lines=chunk_lines, recheck_seconds=recheck_seconds
        )

    async def write(self, count: int, *, announce: bool = True) -> None:
        for _ in range(count):
            self.written += 1
            line = LogLine(self.written, LogStream.STDOUT, NOW, f"line {self.written}")
            self.store.build_logs[(self.build.id, self.written)] = line
        if announce:
            self.bus.publish([BuildLogAppended(self.build.id, self.written)])

    async def finish(self) -> None:
        self.build.cancel(NOW)
        self.bus.publish([BuildChanged(self.build.id)])


async def collect(chunks: AsyncIterator[LogChunk]) -> list[LogChunk]:
    return [chunk async for chunk in chunks]


async def test_a_finished_build_is_replayed_in_chunks_after_the_cursor_then_done() -> None:
    world = World()
    await world.write(12)
    await world.finish()
    chunks = await collect(world.feed(chunk_lines=5).follow(world.build.id, 1))
    assert [[line.seq for line in chunk.lines] for chunk in chunks] == [
        [2, 3, 4, 5, 6],
        [7, 8, 9, 10, 11],
        [12],
    ]
    assert [chunk.done for chunk in chunks] == [False, False, True]
    assert [chunk.last_seq for chunk in chunks] == [6, 11, 12]


async def test_a_cursor_past_the_end_of_a_finished_build_gets_one_empty_done_chunk() -> None:
    world = World()
    await world.write(3)
    await world.finish()
    chunks = await collect(world.feed().follow(world.build.id, 10))
    assert [(chunk.lines, chunk.last_seq, chunk.done) for chunk in chunks] == [([], 10, True)]


async def test_live_lines_follow_the_replay_with_no_gap_and_no_repeat() -> None:
    world = World()
    await world.write(3)
    received: list[int] = []

    async def follow() -> list[LogChunk]:
        chunks = []
        async for chunk in world.feed(chunk_lines=4).follow(world.build.id, 0):
            chunks.append(chunk)
            received.extend(line.seq for line in chunk.lines)
        return chunks

    task = asyncio.create_task(follow())
    for _ in range(5):
        await asyncio.sleep(0.12)
        await world.write(3)
        world.bus.publish([BuildLogAppended(world.build.id, 1)])  # a stale event
    await world.finish()
    chunks = await asyncio.wait_for(task, 5)
    assert received == list(range(1, 19))
    assert chunks[-1].done and not any(chunk.done for chunk in chunks[:-1])


async def test_lines_whose_event_was_lost_still_arrive_at_the_next_recheck() -> None:
    world = World()
    feed = world.feed(recheck_seconds=0.05).follow(world.build.id, 0)
    await world.write(2, announce=False)
    first = await asyncio.wait_for(anext(feed), 5)
    await world.write(2, announce=False)
    second = await asyncio.wait_for(anext(feed), 5)
    await feed.aclose()
    assert [line.seq for line in first.lines + second.lines] == [1, 2, 3, 4]


async def test_an_unknown_build_is_not_found() -> None:
    world = World()
    with pytest.raises(NotFound):
        await collect(world.feed().follow(uuid.uuid4(), 0))


async def test_a_follower_that_stops_reading_is_dropped_with_feed_lagged() -> None:
    world = World(capacity=8)
    feed = world.feed().follow(world.build.id, 0)
    await world.write(1)
    await anext(feed)  # subscribed; now it stops reading while events pile up
    for _ in range(20):
        await world.write(1)
    assert world.bus.registrations == 0, "a stalled follower stayed registered"
    with pytest.raises(FeedLagged):
        while True:
            await asyncio.wait_for(anext(feed), 5)


async def test_closing_the_feed_early_unregisters_it() -> None:
    world = World()
    await world.write(1)
    feed = world.feed().follow(world.build.id, 0)
    await anext(feed)
    assert world.bus.registrations == 1
    await feed.aclose()
    assert world.bus.registrations == 0


async def test_many_followers_of_one_build_share_each_read() -> None:
    world = World()
    calls = 0
    read = world.builds.log_since

    async def counted(
        build_id: uuid.UUID, after: int, limit: int
    ) -> tuple[Build | None, list[LogLine]]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)  # a database takes a moment: the followers overlap
        return await read(build_id, after, limit)

    world.builds.log_since = counted
    shared = world.feed()  # one per process, as the container wires it
    feeds = [shared.follow(world.build.id, 0) for _ in range(50)]
    await world.write(3)
    firsts = await asyncio.gather(*(anext(feed) for feed in feeds))
    assert all([line.seq for line in chunk.lines] == [1, 2, 3] for chunk in firsts)
    calls = 0
    await world.write(2)
    seconds = await asyncio.gather(*(anext(feed) for feed in feeds))
    assert all([line.seq for line in chunk.lines] == [4, 5] for chunk in seconds)
    assert calls < 5, f"{calls} reads for 50 followers of one change"
    for feed in feeds:
        await feed.aclose()

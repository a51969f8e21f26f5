"""Status feeds with in-memory stores: they re-read on news that matters, and recover lost news."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import UTC, datetime

from domain.builds.catalog import BuildCatalog
from domain.builds.model import Build, BuildStatus, BuildTrigger
from domain.builds.status_feed import BuildStatusFeed
from domain.events import BuildChanged, BuildLogAppended, FeedResumed, ToolChanged
from domain.tools.catalog import ToolCatalog
from domain.tools.model import Tool
from domain.tools.status import ToolStatus
from domain.tools.status_feed import ToolStatusFeed
from infra.events.in_process import InProcessEventBus
from tests.unit.fake_store import FakeUnitOfWork, Store

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def a_tool(store: Store, name: str) -> Tool:
    tool = Tool(name, "https://example.com/x.git", None, None, 20000, NOW, NOW)
    store.tools[tool.id] = tool
    return tool


class CountingBuilds(BuildCatalog):
    reads = 0

    async def get(self, build_id: uuid.UUID) -> Build | None:
        self.reads += 1
        return await super().get(build_id)


async def test_build_updated_skips_wakeups_that_only_bring_new_log_lines() -> None:
    store, bus = Store(), InProcessEventBus()
    builds = CountingBuilds(lambda **_: FakeUnitOfWork(store))
    build = Build(uuid.uuid4(), 1, BuildTrigger.INSTALL, None, NOW)
    store.builds[build.id] = build
    feed = BuildStatusFeed(builds, bus).follow(build.id)
    assert (await anext(feed)).status is BuildStatus.QUEUED
    reads_after_snapshot = builds.reads
    following = asyncio.ensure_future(anext(feed))
    for seq in range(1, 6):
        bus.publish([BuildLogAppended(build.id, seq)])
        await asyncio.sleep(0.12)
    assert builds.reads == reads_after_snapshot, "re-read the build for log lines"
    build.advance(BuildStatus.CLONING, NOW)
    bus.publish([BuildChanged(build.id)])
    assert (await asyncio.wait_for(following, 5)).status is BuildStatus.CLONING
    await feed.aclose()


async def test_every_tool_feed_reports_a_change_whose_event_was_lost_after_a_resume() -> None:
    store, bus = Store(), InProcessEventBus()
    first, second = a_tool(store, "first"), a_tool(store, "second")
    catalog = ToolCatalog(lambda **_: FakeUnitOfWork(store))
    feed = ToolStatusFeed(catalog, bus).follow_all()
    following = asyncio.ensure_future(anext(feed))
    await asyncio.sleep(0.05)  # subscribed and primed with both tools
    store.tools[second.id] = dataclasses.replace(second, status=ToolStatus.FAILED)
    bus.publish([FeedResumed()])  # the bus was down: its ToolChanged never came
    changed = await asyncio.wait_for(following, 5)
    assert (changed.id, changed.status) == (second.id, ToolStatus.FAILED)
    store.tools[first.id] = dataclasses.replace(first, status=ToolStatus.RUNNING)
    bus.publish([ToolChanged(first.id)])
    changed = await asyncio.wait_for(anext(feed), 5)
    assert (changed.id, changed.status) == (first.id, ToolStatus.RUNNING)
    await feed.aclose()
    assert bus.registrations == 0


async def test_every_tool_feed_reports_a_new_tool_but_not_a_save_that_changed_nothing() -> None:
    store, bus = Store(), InProcessEventBus()
    old = a_tool(store, "old")
    catalog = ToolCatalog(lambda **_: FakeUnitOfWork(store))
    feed = ToolStatusFeed(catalog, bus).follow_all()
    following = asyncio.ensure_future(anext(feed))
    await asyncio.sleep(0.05)
    store.tools[old.id] = dataclasses.replace(old, updated_at=datetime.now(UTC))
    bus.publish([ToolChanged(old.id)])
    await asyncio.sleep(0.2)
    assert not following.done(), "a save that changed nothing was reported"
    new = a_tool(store, "new")
    bus.publish([ToolChanged(new.id)])
    assert (await asyncio.wait_for(following, 5)).id == new.id
    await feed.aclose()

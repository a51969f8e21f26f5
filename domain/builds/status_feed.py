"""A build's status as a live feed: the current state, then each change, until it ends."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator

from domain.builds.catalog import BuildCatalog
from domain.builds.model import Build
from domain.errors import NotFound
from domain.events import BuildLogAppended, Event, build_topic
from domain.live.wakeups import Wakeups
from domain.ports.events import EventBus


def _visible_state(build: Build) -> tuple[object, ...]:
    # What a watcher cares about; the log counters move with every batch and are left out.
    return (
        build.status,
        build.phase,
        build.commit_sha,
        build.image,
        build.failure,
        build.started_at,
        build.finished_at,
    )


def _only_new_lines(events: list[Event]) -> bool:
    # A quiet spell (no events) still re-reads: a lost event must not stall the feed.
    return bool(events) and all(isinstance(event, BuildLogAppended) for event in events)


class BuildStatusFeed:
    def __init__(self, builds: BuildCatalog, bus: EventBus) -> None:
        self._builds = builds
        self._bus = bus

    async def follow(self, build_id: uuid.UUID) -> AsyncGenerator[Build, None]:
        with self._bus.subscribe([build_topic(build_id)]) as changes:
            wakeups = Wakeups(changes)
            seen: tuple[object, ...] | None = None
            while True:
                build = await self._builds.get(build_id)
                if build is None:
                    if seen is None:
                        raise NotFound("There is no build with this ID.")
                    return  # removed with its tool
                state = _visible_state(build)
                if state != seen:
                    seen = state
                    yield build
                if build.status.is_finished:
                    return
                while _only_new_lines(await wakeups.wait()):
                    pass  # the build printed; its status did not change

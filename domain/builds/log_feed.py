"""A build's log as a live feed: stored lines after a cursor, then new ones as they land.

Every round re-reads the store by `seq`, so the replay-to-live handoff has no gap and no
duplicate whatever the events do. A finished build's status is committed only after its last
line, so reading the build first and then its lines tells when the log is complete.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncGenerator, Awaitable
from dataclasses import dataclass

from domain.builds.catalog import MAX_LOG_PAGE, BuildCatalog
from domain.builds.model import Build, LogLine
from domain.errors import NotFound
from domain.events import build_topic
from domain.live.shared_reads import SharedReads
from domain.live.wakeups import RECHECK_SECONDS, Wakeups
from domain.ports.events import EventBus

CHUNK_LINES = 500


@dataclass(frozen=True)
class LogChunk:
    build: Build
    lines: list[LogLine]
    last_seq: int
    done: bool


class BuildLogFeed:
    def __init__(
        self,
        builds: BuildCatalog,
        bus: EventBus,
        *,
        chunk_lines: int = CHUNK_LINES,
        recheck_seconds: float = RECHECK_SECONDS,
    ) -> None:
        self._builds = builds
        self._bus = bus
        # The service caps a read at MAX_LOG_PAGE; a bigger chunk would look "caught up" early.
        self._chunk_lines = min(chunk_lines, MAX_LOG_PAGE)
        self._recheck_seconds = recheck_seconds
        self._reads: SharedReads[tuple[Build | None, list[LogLine]]] = SharedReads()

    async def follow(self, build_id: uuid.UUID, after_seq: int) -> AsyncGenerator[LogChunk, None]:
        # Subscribe before the first read, so nothing written meanwhile goes unnoticed.
        with self._bus.subscribe([build_topic(build_id)]) as changes:
            wakeups = Wakeups(changes, recheck_seconds=self._recheck_seconds)
            cursor = max(after_seq, 0)
            learned_at = time.monotonic()  # subscribed: later reads see what was there
            while True:
                build, lines = await self._read(build_id, cursor, learned_at)
                if build is None:
                    raise NotFound("There is no build with this ID.")
                cursor = lines[-1].seq if lines else cursor
                caught_up = len(lines) < self._chunk_lines
                if caught_up and build.status.is_finished:
                    yield LogChunk(build, lines, cursor, done=True)
                    return
                if lines:
                    yield LogChunk(build, lines, cursor, done=False)
                if caught_up:
                    await wakeups.wait()
                learned_at = wakeups.woke_at if caught_up else time.monotonic()

    async def _read(
        self, build_id: uuid.UUID, cursor: int, learned_at: float
    ) -> tuple[Build | None, list[LogLine]]:
        def load() -> Awaitable[tuple[Build | None, list[LogLine]]]:
            return self._builds.log_since(build_id, cursor, self._chunk_lines)

        return await self._reads.read((build_id, cursor), learned_at, load)

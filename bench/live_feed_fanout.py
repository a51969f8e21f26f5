"""Build-log live feed fan-out: followers sharing one BuildLogFeed against one feed each.

    .venv/bin/python -m bench.live_feed_fanout [--followers 200] [--lines 2000] [--batch 50]
        [--interval 0.05] [--postgres-url URL]

Many followers watch one build while a writer appends batches through real units of work, so
events leave after commit exactly as in production. With one shared feed (A, production
wiring) the followers woken by one event share one read; with a feed each (B) every follower
runs its own. Both run side by side in one run on the same database, and the ratios B/A are
printed. Every follower must receive exactly lines 1..N and the done chunk, or the run fails.
The writer shares the process and its connection pool with the followers, as in one `machete
serve`, so B's extra reads also slow the writing. Target: on the shared feed, at most one read
per commit while live, whatever the number of followers.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.log_ingestion import UnitOfWorkFactory, new_build, scratch_database
from domain.builds.catalog import BuildCatalog
from domain.builds.log_feed import BuildLogFeed
from domain.builds.model import Build, BuildStatus, LogLine, LogStream
from domain.ports import UnitOfWorkFactory as ReadingUnitOfWorkFactory
from infra.db.engine import create_engine, create_session_factory
from infra.db.migrate import upgrade_to_head_async
from infra.db.unit_of_work import SqlAlchemyUnitOfWork
from infra.events.in_process import InProcessEventBus

Received = list[tuple[float, list[int], bool]]  # per chunk: when, its seqs, done


class BenchmarkFailed(RuntimeError):
    """A follower missed, repeated or reordered a line: the numbers would mean nothing."""


@dataclass(frozen=True)
class Schedule:
    followers: int
    lines: int
    batch: int
    interval: float


@dataclass(frozen=True)
class Outcome:
    joining_reads: int
    live_reads: int
    all_received: float  # from the first batch until every follower has the done chunk
    after_last_commit: float  # from the finishing commit until then
    peak_lag: float  # max over lines of receive time minus commit time


ROWS = (
    ("reads joining", "joining_reads"),
    ("reads while live", "live_reads"),
    ("all received (s)", "all_received"),
    ("after last commit (s)", "after_last_commit"),
    ("peak lag (s)", "peak_lag"),
)


class CountingBuilds(BuildCatalog):
    """Each `log_since` is one read transaction on the database: that is what is counted."""

    def __init__(self, uow: ReadingUnitOfWorkFactory) -> None:
        super().__init__(uow)
        self.reads = 0
        self.in_flight = 0

    async def log_since(
        self, build_id: uuid.UUID, after: int, limit: int
    ) -> tuple[Build | None, list[LogLine]]:
        self.reads += 1
        self.in_flight += 1
        try:
            return await super().log_since(build_id, after, limit)
        finally:
            self.in_flight -= 1


async def follow(feed: BuildLogFeed, build_id: uuid.UUID) -> Received:
    return [
        (time.monotonic(), [line.seq for line in chunk.lines], chunk.done)
        async for chunk in feed.follow(build_id, 0)
    ]


async def write(
    uow_factory: UnitOfWorkFactory, build_id: uuid.UUID, schedule: Schedule
) -> tuple[dict[int, float], float]:
    """Batches at a steady pace, then the build's end; when each seq and the end committed."""
    committed: dict[int, float] = {}
    stored_bytes = 0
    due = time.monotonic()
    for first in range(1, schedule.lines + 1, schedule.batch):
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        due += schedule.interval
        now = datetime.now(UTC)
        seqs = range(first, min(first + schedule.batch, schedule.lines + 1))
        batch = [LogLine(seq, LogStream.STDOUT, now, f"step output line {seq}") for seq in seqs]
        stored_bytes += sum(len(line.text) for line in batch)
        async with uow_factory() as uow:
            await uow.build_logs.append(build_id, batch)
            await uow.builds.record_log_progress(build_id, seqs[-1], stored_bytes)
            await uow.commit()
        committed.update(dict.fromkeys(seqs, time.monotonic()))
    async with uow_factory() as uow:
        build = await uow.builds.get(build_id)
        assert build is not None
        build.advance(BuildStatus.STARTING, datetime.now(UTC))
        build.succeed(datetime.now(UTC))
        await uow.builds.save(build)
        await uow.commit()
    return committed, time.monotonic()


def check(received: list[Received], total: int) -> None:
    expected = list(range(1, total + 1))
    for number, chunks in enumerate(received):
        seqs = [seq for _, chunk_seqs, _ in chunks for seq in chunk_seqs]
        if seqs != expected or not chunks or not chunks[-1][2]:
            wrong = next((n for n, seq in enumerate(seqs) if seq != n + 1), None)
            order = "in order" if wrong is None else f"first wrong at index {wrong}"
            done = "received" if chunks and chunks[-1][2] else "MISSING"
            raise BenchmarkFailed(
                f"follower {number} got {len(seqs)} of {total} lines, {order}, done chunk {done}"
            )


async def run(
    sessions: async_sessionmaker[AsyncSession], schedule: Schedule, *, shared: bool
) -> Outcome:
    bus = InProcessEventBus()

    def uow_factory(*, read_only: bool = False) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions, read_only=read_only, events=bus)

    build_id = await new_build(uow_factory)
    builds = CountingBuilds(uow_factory)
    count, one = schedule.followers, BuildLogFeed(builds, bus)
    feeds = [one if shared else BuildLogFeed(builds, bus) for _ in range(count)]
    tasks = [asyncio.create_task(follow(feed, build_id)) for feed in feeds]
    # A hang guard only: generous next to the writer's own pace.
    guard = 60.0 + 10 * schedule.interval * schedule.lines / schedule.batch
    try:
        async with asyncio.timeout(guard):
            # Followers join before the writer starts, each with its own first read; the
            # live phase is what sharing is for, so its reads are counted apart. Polled: the
            # bus has no event for "everyone subscribed".
            while bus.registrations < count or builds.in_flight or not builds.reads:  # noqa: ASYNC110
                await asyncio.sleep(0.005)
            joining, builds.reads = builds.reads, 0
            started = time.monotonic()
            committed, ended = await write(uow_factory, build_id, schedule)
            received = list(await asyncio.gather(*tasks))
    except TimeoutError:
        raise BenchmarkFailed(f"followers had not all finished after {guard:.0f} s") from None
    finally:
        for task in tasks:
            task.cancel()
        await bus.close()
    check(received, schedule.lines)
    finished = max(chunks[-1][0] for chunks in received)
    lags = (at - committed[seq] for chunks in received for at, seqs, _ in chunks for seq in seqs)
    return Outcome(joining, builds.reads, finished - started, finished - ended, max(lags))


async def main(schedule: Schedule, server_url: str | None) -> None:
    async with scratch_database(server_url) as url:
        await measure(schedule, url)


async def measure(schedule: Schedule, url: str) -> None:
    await upgrade_to_head_async(url)
    engine = create_engine(url)
    try:
        sessions = create_session_factory(engine)
        shared = await run(sessions, schedule, shared=True)
        separate = await run(sessions, schedule, shared=False)
    finally:
        await engine.dispose()
    print(
        f"database: {engine.dialect.name}, followers: {schedule.followers}, lines: "
        f"{schedule.lines} in batches of {schedule.batch} every {schedule.interval * 1000:g} ms"
    )
    print(f"{'':22}{'shared feed (A)':>16}{'feed each (B)':>16}{'B/A':>9}")
    for label, field in ROWS:
        a, b = getattr(shared, field), getattr(separate, field)
        shape = "16d" if isinstance(a, int) else "16.3f"
        print(f"{label:22}{a:{shape}}{b:{shape}}{f'{b / a:.1f}x' if a else '-':>9}")
    commits = -(-schedule.lines // schedule.batch) + 1  # the batches, then the build's end
    verdict = "meets" if shared.live_reads <= commits else "MISSES"
    print(
        f"shared feed: {shared.live_reads} reads while live for {commits} commits "
        f"({verdict} the one-read-per-commit target)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=200)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50, help="lines per commit")
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between commits")
    parser.add_argument(
        "--postgres-url", default=None, help="a PostgreSQL server to make a scratch database on"
    )
    arguments = parser.parse_args()
    if min(arguments.followers, arguments.lines, arguments.batch) < 1:
        parser.error("--followers, --lines and --batch must be at least 1")
    plan = Schedule(arguments.followers, arguments.lines, arguments.batch, arguments.interval)
    asyncio.run(main(plan, arguments.postgres_url))

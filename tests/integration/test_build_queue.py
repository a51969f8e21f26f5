"""The build queue against the real database of the run (SQLite or PostgreSQL): the build and
log repositories, lease claims under concurrency, recovery, the log writer and the worker."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Self

import pytest

from domain.builds.log_writer import BuildLogWriter
from domain.builds.model import Build, BuildPhase, BuildStatus, BuildTrigger, LogLine, LogStream
from domain.builds.pipeline import BuildControl
from domain.builds.recovery import BuildRecovery
from domain.clock import SystemClock
from domain.errors import ErrorCode
from domain.paging import Page
from domain.ports import BuildFilter, UnitOfWorkFactory
from domain.tools.model import Tool
from domain.tools.status import ToolStatus
from infra.bootstrap import Application
from infra.db.engine import create_session_factory
from infra.db.unit_of_work import SqlAlchemyUnitOfWork
from infra.worker.build_worker import BuildWorker

NOW = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
LEASE = timedelta(minutes=5)
_ports = iter(range(30000, 40000))


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def make_tool(name: str, **fields: Any) -> Tool:
    url = f"https://git.example.com/{name}.git"
    return Tool(name, url, None, None, next(_ports), NOW, NOW, **fields)


def make_build(tool: Tool, number: int, queued_at: datetime = NOW, **fields: Any) -> Build:
    return Build(tool.id, number, BuildTrigger.INSTALL, "main", queued_at, **fields)


@pytest.fixture
def uow(application: Application) -> UnitOfWorkFactory:
    factory = create_session_factory(application.database)
    return lambda **_: SqlAlchemyUnitOfWork(factory)


@pytest.fixture
def is_postgres(application: Application) -> bool:
    return application.database.dialect.name == "postgresql"


async def store(uow: UnitOfWorkFactory, *items: Tool | Build) -> None:
    async with uow() as work:
        for item in items:
            if isinstance(item, Tool):
                await work.tools.add(item)
            else:
                await work.builds.add(item)
        await work.commit()


async def load(uow: UnitOfWorkFactory, build_id: uuid.UUID) -> Build:
    async with uow() as work:
        build = await work.builds.get(build_id)
    assert build is not None
    return build


async def claim(uow: UnitOfWorkFactory, owner: str, now: datetime = NOW) -> Build | None:
    async with uow() as work:
        build = await work.builds.claim_next(owner, now, now + LEASE)
        await work.commit()
    return build


# --- the build repository -------------------------------------------------------------------


async def test_next_number_increments_per_tool(uow: UnitOfWorkFactory) -> None:
    one, two = make_tool("numbered-one"), make_tool("numbered-two")
    await store(uow, one, two)
    async with uow() as work:
        assert await work.builds.next_number(one.id) == 1
        await work.builds.add(make_build(one, await work.builds.next_number(one.id)))
        await work.builds.add(make_build(one, await work.builds.next_number(one.id)))
        await work.builds.add(make_build(two, await work.builds.next_number(two.id)))
        await work.commit()
    async with uow() as work:
        assert await work.builds.next_number(one.id) == 3
        assert await work.builds.next_number(two.id) == 2


async def test_latest_for_tools_returns_the_highest_number_per_tool(uow: UnitOfWorkFactory) -> None:
    one, two, idle = make_tool("latest-one"), make_tool("latest-two"), make_tool("latest-idle")
    # The highest number wins even when an older number was queued later.
    builds = [
        make_build(one, 1, NOW),
        make_build(one, 3, NOW + timedelta(seconds=1)),
        make_build(one, 2, NOW + timedelta(seconds=9)),
        make_build(two, 1, NOW),
    ]
    await store(uow, one, two, idle, *builds)
    async with uow() as work:
        latest = await work.builds.latest_for_tools([one.id, two.id, idle.id])
        assert await work.builds.latest_for_tools([]) == []
    assert {(b.tool_id, b.number) for b in latest} == {(one.id, 3), (two.id, 1)}


async def test_build_pages_are_newest_first_with_working_cursors(uow: UnitOfWorkFactory) -> None:
    tool = make_tool("paged")
    # Pairs share a queued_at, so the id must break ties for the cursor to be exact.
    builds = [make_build(tool, n + 1, NOW + timedelta(seconds=n // 2)) for n in range(7)]
    await store(uow, tool, *builds)
    seen: list[Build] = []
    after = None
    for _ in range(10):
        async with uow() as work:
            page = await work.builds.page(Page(3, after), BuildFilter())
        if not page:
            break
        seen.extend(page)
        after = (page[-1].queued_at, page[-1].id)
    expected = sorted(builds, key=lambda b: (b.queued_at, b.id), reverse=True)
    assert [b.id for b in seen] == [b.id for b in expected]


async def test_build_pages_filter_by_status_and_tool(uow: UnitOfWorkFactory) -> None:
    one, two = make_tool("filter-one"), make_tool("filter-two")
    failed = make_build(one, 1, NOW, status=BuildStatus.FAILED)
    queued_one = make_build(one, 2, NOW + timedelta(seconds=1))
    queued_two = make_build(two, 1, NOW + timedelta(seconds=2))
    await store(uow, one, two, failed, queued_one, queued_two)

    async def ids(**filters: Any) -> list[uuid.UUID]:
        async with uow() as work:
            return [b.id for b in await work.builds.page(Page(10), BuildFilter(**filters))]

    assert await ids(status=BuildStatus.QUEUED) == [queued_two.id, queued_one.id]
    assert await ids(tool_id=one.id) == [queued_one.id, failed.id]
    assert await ids(status=BuildStatus.QUEUED, tool_id=one.id) == [queued_one.id]
    assert await ids(status=BuildStatus.SUCCEEDED) == []
    async with uow() as work:
        of_one = BuildFilter(tool_id=one.id)
        first = await work.builds.page(Page(1), of_one)
        rest = await work.builds.page(Page(5, (first[0].queued_at, first[0].id)), of_one)
    assert [b.id for b in first + rest] == [queued_one.id, failed.id]


# --- claims and leases ----------------------------------------------------------------------


async def test_claim_next_takes_the_oldest_queued_build_and_sets_the_lease(
    uow: UnitOfWorkFactory,
) -> None:
    tool = make_tool("claimed")
    running = make_build(tool, 1, NOW - timedelta(hours=1), status=BuildStatus.BUILDING)
    oldest = make_build(tool, 2, NOW)
    newer = make_build(tool, 3, NOW + timedelta(seconds=1))
    await store(uow, tool, running, newer, oldest)

    first = await claim(uow, "worker-a")
    assert first is not None and first.id == oldest.id, "the oldest QUEUED build comes first"
    assert (first.lease_owner, first.lease_expires_at) == ("worker-a", NOW + LEASE)
    stored = await load(uow, oldest.id)
    assert (stored.lease_owner, stored.lease_expires_at) == ("worker-a", NOW + LEASE)
    assert stored.status is BuildStatus.QUEUED

    second = await claim(uow, "worker-b")
    assert second is not None and second.id == newer.id, "a claimed build is not claimed twice"
    assert await claim(uow, "worker-c") is None, "nothing queued and unleased is left"


async def test_concurrent_claimers_claim_each_queued_build_exactly_once(
    uow: UnitOfWorkFactory, is_postgres: bool
) -> None:
    tool = make_tool("contended")
    queued = [make_build(tool, n, NOW + timedelta(milliseconds=n)) for n in (1, 2, 3)]
    cancelled = make_build(tool, 4, NOW - timedelta(hours=1), status=BuildStatus.CANCELLED)
    await store(uow, tool, *queued, cancelled)

    claims: list[tuple[str, uuid.UUID]] = []
    rounds: list[int] = []
    for round_number in range(4):
        owners = [f"claimer-{round_number}-{n}" for n in range(8)]
        results = await asyncio.gather(*(claim(uow, owner) for owner in owners))
        won = [(owner, b.id) for owner, b in zip(owners, results, strict=True) if b is not None]
        claims.extend(won)
        rounds.append(len(won))
        if not won:
            break

    claimed_ids = [build_id for _, build_id in claims]
    assert Counter(claimed_ids) == Counter(b.id for b in queued), (
        f"each queued build must be claimed exactly once; got {claimed_ids}"
    )
    if is_postgres:
        assert rounds[0] == 3, "with SKIP LOCKED, 8 claimers take all 3 builds in one round"
    for owner, build_id in claims:
        assert (await load(uow, build_id)).lease_owner == owner


async def test_a_queued_build_whose_lease_expired_can_be_claimed_again(
    uow: UnitOfWorkFactory,
) -> None:
    tool = make_tool("abandoned")
    build = make_build(
        tool, 1, lease_owner="dead-worker", lease_expires_at=NOW - timedelta(seconds=1)
    )
    live = make_build(tool, 2, lease_owner="live-worker", lease_expires_at=NOW + LEASE)
    await store(uow, tool, build, live)

    reclaimed = await claim(uow, "new-worker")
    assert reclaimed is not None and reclaimed.id == build.id
    assert (await load(uow, build.id)).lease_owner == "new-worker"
    assert await claim(uow, "another-worker") is None, "an unexpired lease is respected"


async def test_renew_lease_only_works_for_the_owner(uow: UnitOfWorkFactory) -> None:
    tool = make_tool("renewed")
    await store(uow, tool, make_build(tool, 1))
    claimed = await claim(uow, "owner")
    assert claimed is not None
    later = NOW + 2 * LEASE
    async with uow() as work:
        assert not await work.builds.renew_lease(claimed.id, "intruder", later + LEASE)
        assert await work.builds.renew_lease(claimed.id, "owner", later)
        await work.commit()
    assert (await load(uow, claimed.id)).lease_expires_at == later


async def test_record_log_progress_updates_counters_and_a_later_save_keeps_them(
    uow: UnitOfWorkFactory,
) -> None:
    tool = make_tool("progress")
    build = make_build(tool, 1)
    await store(uow, tool, build)
    stale = await load(uow, build.id)  # read before the log lines were counted

    async with uow() as work:
        await work.builds.record_log_progress(build.id, 7, 321)
        await work.commit()
    counted = await load(uow, build.id)
    assert (counted.log_line_count, counted.log_bytes) == (7, 321)

    stale.advance(BuildStatus.CLONING, NOW)
    async with uow() as work:
        await work.builds.save(stale)
        await work.commit()
    saved = await load(uow, build.id)
    assert saved.status is BuildStatus.CLONING
    assert (saved.log_line_count, saved.log_bytes) == (7, 321), "save() overwrote the counters"

    async with uow() as work:  # the same session: read, count, then save
        same = await work.builds.get(build.id)
        assert same is not None
        await work.builds.record_log_progress(build.id, 9, 400)
        same.advance(BuildStatus.BUILDING, NOW)
        await work.builds.save(same)
        await work.commit()
    saved = await load(uow, build.id)
    assert (saved.status, saved.log_line_count, saved.log_bytes) == (BuildStatus.BUILDING, 9, 400)


async def test_expired_leases_lists_only_active_non_queued_builds_past_their_lease(
    uow: UnitOfWorkFactory,
) -> None:
    tool = make_tool("leases")
    past, future = NOW - timedelta(seconds=1), NOW + LEASE
    expired = make_build(tool, 1, status=BuildStatus.BUILDING, lease_expires_at=past)
    also_expired = make_build(tool, 2, status=BuildStatus.STARTING, lease_expires_at=past)
    others = [
        make_build(tool, 3, lease_owner="w", lease_expires_at=past),  # QUEUED
        make_build(tool, 4, status=BuildStatus.CLONING, lease_expires_at=future),
        make_build(tool, 5, status=BuildStatus.FAILED, lease_expires_at=past),
        make_build(tool, 6, status=BuildStatus.SUCCEEDED, lease_expires_at=past),
        make_build(tool, 7, status=BuildStatus.CLONING),  # no lease at all
    ]
    await store(uow, tool, expired, also_expired, *others)
    async with uow() as work:
        found = await work.builds.expired_leases(NOW)
    assert {b.id for b in found} == {expired.id, also_expired.id}


# --- recovery -------------------------------------------------------------------------------


async def append_lines(uow: UnitOfWorkFactory, build: Build, count: int) -> int:
    lines = [LogLine(seq, LogStream.STDOUT, NOW, f"step {seq}") for seq in range(1, count + 1)]
    size = sum(len(line.text) for line in lines)
    async with uow() as work:
        await work.build_logs.append(build.id, lines)
        await work.builds.record_log_progress(build.id, count, size)
        await work.commit()
    return size


async def test_recovery_fails_an_expired_building_build_as_interrupted(
    uow: UnitOfWorkFactory,
) -> None:
    never_ran = make_tool("never-ran", status=ToolStatus.BUILDING)
    has_image = make_tool("has-image", status=ToolStatus.RUNNING, current_build_id=uuid.uuid4())
    expired = make_build(
        never_ran,
        1,
        status=BuildStatus.BUILDING,
        lease_owner="gone",
        lease_expires_at=NOW - timedelta(seconds=5),
    )
    update = make_build(
        has_image,
        2,
        status=BuildStatus.BUILDING,
        lease_owner="gone",
        lease_expires_at=NOW - timedelta(seconds=5),
    )
    alive = make_build(
        has_image, 3, status=BuildStatus.CLONING, lease_owner="here", lease_expires_at=NOW + LEASE
    )
    await store(uow, never_ran, has_image, expired, update, alive)
    size = await append_lines(uow, expired, 3)

    recovered = await BuildRecovery(uow, FixedClock(NOW)).fail_interrupted()

    assert {b.id for b in recovered} == {expired.id, update.id}
    failed = await load(uow, expired.id)
    assert failed.status is BuildStatus.FAILED and failed.finished_at == NOW
    assert failed.failure is not None
    assert (failed.failure.code, failed.failure.phase) == (
        ErrorCode.INTERRUPTED,
        BuildPhase.BUILDING,
    )
    assert (failed.lease_owner, failed.lease_expires_at) == (None, None)
    async with uow() as work:
        log = await work.build_logs.read(expired.id, 0, 100)
        tool = await work.tools.get(never_ran.id)
        kept_tool = await work.tools.get(has_image.id)
    assert [line.seq for line in log] == [1, 2, 3, 4], "the failure line takes the next seq"
    assert log[-1].stream is LogStream.SYSTEM and "INTERRUPTED" in log[-1].text
    assert failed.log_line_count == 4 and failed.log_bytes == size + len(log[-1].text)
    assert tool is not None and tool.status is ToolStatus.FAILED, (
        "a tool that never ran becomes FAILED"
    )
    assert kept_tool is not None and kept_tool.status is ToolStatus.RUNNING, (
        "a tool with an image keeps running"
    )
    assert (await load(uow, alive.id)).status is BuildStatus.CLONING
    assert await BuildRecovery(uow, FixedClock(NOW)).fail_interrupted() == []


# --- the log writer with a real store -------------------------------------------------------


def writer_for(
    uow: UnitOfWorkFactory, build: Build, *, max_lines: int = 20000, max_bytes: int = 10**7
) -> BuildLogWriter:
    async def store_lines(build_id: uuid.UUID, lines: list[LogLine], total_bytes: int) -> None:
        async with uow() as work:
            await work.build_logs.append(build_id, lines)
            await work.builds.record_log_progress(build_id, lines[-1].seq, total_bytes)
            await work.commit()

    return BuildLogWriter(
        build.id,
        store_lines,
        SystemClock(),
        next_seq=build.log_line_count,
        stored_bytes=build.log_bytes,
        max_lines=max_lines,
        max_bytes=max_bytes,
    )


async def read_all(uow: UnitOfWorkFactory, build_id: uuid.UUID) -> list[LogLine]:
    async with uow() as work:
        return await work.build_logs.read(build_id, 0, 100_000)


async def logged_build(uow: UnitOfWorkFactory, name: str) -> Build:
    tool = make_tool(name)
    build = make_build(tool, 1)
    await store(uow, tool, build)
    return build


async def test_written_lines_are_stored_in_order_with_consecutive_seq_and_counted(
    uow: UnitOfWorkFactory,
) -> None:
    build = await logged_build(uow, "chatty")
    writer = writer_for(uow, build)
    writer.start()
    texts = [f"line {n} ✓" for n in range(450)]  # more than one batch of 200
    for index, line in enumerate(texts):
        writer.write(LogStream.STDERR if index % 7 == 0 else LogStream.STDOUT, line + "\n")
        if index % 50 == 0:
            await asyncio.sleep(0)
    await writer.close()

    stored = await read_all(uow, build.id)
    assert [line.seq for line in stored] == list(range(1, 451))
    assert [line.text for line in stored] == texts
    assert stored[0].stream is LogStream.STDERR and stored[1].stream is LogStream.STDOUT
    counted = await load(uow, build.id)
    assert counted.log_line_count == 450
    assert counted.log_bytes == sum(len(t.encode()) for t in texts)

    resumed = writer_for(uow, counted)  # a re-run continues after the stored lines
    resumed.system("again")
    await resumed.close()
    assert [line.seq for line in (await read_all(uow, build.id))[-2:]] == [450, 451]
    assert (await load(uow, build.id)).log_line_count == 451


async def test_a_capped_log_ends_with_the_truncation_marker_then_the_summary(
    uow: UnitOfWorkFactory,
) -> None:
    build = await logged_build(uow, "capped")
    writer = writer_for(uow, build, max_lines=10)
    writer.start()
    for n in range(50):
        writer.write(LogStream.STDOUT, f"out {n}")
    await writer.close()

    stored = await read_all(uow, build.id)
    texts = [line.text for line in stored]
    assert [line.seq for line in stored] == list(range(1, len(stored) + 1))
    kept = [text for text in texts if text.startswith("out ")]
    assert kept == [f"out {n}" for n in range(len(kept))], "kept lines are the first ones"
    assert "log truncated" in texts[len(kept)], "the marker follows the last kept line"
    assert texts[len(kept) + 1] == f"[machete] {50 - len(kept)} lines were not stored (log cap)."
    assert len(texts) == len(kept) + 2, "nothing after the summary"
    assert (await load(uow, build.id)).log_line_count == len(stored)


async def test_a_capped_log_never_stores_more_than_max_lines(uow: UnitOfWorkFactory) -> None:
    build = await logged_build(uow, "strict-cap")
    writer = writer_for(uow, build, max_lines=10)
    for n in range(50):
        writer.write(LogStream.STDOUT, f"out {n}")
    await writer.close()
    stored = await read_all(uow, build.id)
    assert len(stored) <= 10, (
        f"BUG domain/builds/log_writer.py: max_lines=10 but {len(stored)} lines were stored; "
        "_over_cap reserves one line for the truncation marker, but close() appends the "
        "'lines were not stored' summary as an extra line beyond the cap"
    )


async def test_reading_a_log_resumes_exactly_after_a_seq(uow: UnitOfWorkFactory) -> None:
    build = await logged_build(uow, "resumable")
    writer = writer_for(uow, build)
    for n in range(20):
        writer.write(LogStream.STDOUT, f"r{n + 1}")
    await writer.close()
    async with uow() as work:
        first = await work.build_logs.read(build.id, 0, 7)
        second = await work.build_logs.read(build.id, first[-1].seq, 7)
        rest = await work.build_logs.read(build.id, 14, 100)
        past_end = await work.build_logs.read(build.id, 20, 10)
        other = await work.build_logs.read(uuid.uuid4(), 0, 10)
    assert [line.seq for line in first] == list(range(1, 8))
    assert [line.seq for line in second] == list(range(8, 15))
    assert [line.text for line in rest] == [f"r{n}" for n in range(15, 21)]
    assert past_end == [] and other == []


# --- the worker with a stub pipeline --------------------------------------------------------


class StubPipeline:
    """Runs until released or cancelled, recording what the worker asked of it."""

    def __init__(self) -> None:
        self.calls: Counter[uuid.UUID] = Counter()
        self.controls: dict[uuid.UUID, BuildControl] = {}
        self.cancelled: dict[uuid.UUID, str | None] = {}
        self.active = 0
        self.max_active = 0
        self.release = asyncio.Event()

    async def run(self, build_id: uuid.UUID, control: BuildControl) -> None:
        self.calls[build_id] += 1
        self.controls[build_id] = control
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled[build_id] = control.stop_reason
            await self.on_cancel(build_id)
            raise
        finally:
            self.active -= 1

    async def on_cancel(self, build_id: uuid.UUID) -> None:
        return None


async def eventually(condition: Callable[[], bool], within: float = 3.0) -> float:
    """Wait until `condition()` holds; return how long that took."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not condition():
        if loop.time() - start > within:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.02)
    return loop.time() - start


async def queued_builds(uow: UnitOfWorkFactory, name: str, count: int) -> list[Build]:
    tool = make_tool(name)
    now = datetime.now(UTC)
    builds = [make_build(tool, n, now + timedelta(milliseconds=n)) for n in range(1, count + 1)]
    await store(uow, tool, *builds)
    return builds


def new_worker(uow: UnitOfWorkFactory, pipeline: StubPipeline, concurrency: int) -> BuildWorker:
    clock = SystemClock()
    recovery = BuildRecovery(uow, clock)
    return BuildWorker(uow, pipeline, recovery, clock, concurrency=concurrency, lease_seconds=30)


async def test_the_worker_runs_two_queued_builds_concurrently_and_claims_each_once(
    uow: UnitOfWorkFactory,
) -> None:
    builds = await queued_builds(uow, "pool", 2)
    pipeline = StubPipeline()
    worker = new_worker(uow, pipeline, concurrency=2)
    worker.start()
    try:
        await eventually(lambda: pipeline.max_active == 2)
        assert worker.running_builds == 2
        pipeline.release.set()
        await eventually(lambda: worker.running_builds == 0)
        worker.build_queued()  # wake the slots: nothing must be claimed twice
        await asyncio.sleep(0.3)
    finally:
        await worker.stop()
    assert pipeline.calls == Counter({b.id: 1 for b in builds})
    for build in builds:
        assert (await load(uow, build.id)).lease_owner == worker.owner


async def test_cancel_requested_cancels_the_running_build_with_reason_cancel(
    uow: UnitOfWorkFactory,
) -> None:
    (build,) = await queued_builds(uow, "cancelled", 1)
    pipeline = StubPipeline()
    worker = new_worker(uow, pipeline, concurrency=1)
    worker.start()
    try:
        await eventually(lambda: build.id in pipeline.controls)
        worker.cancel_requested(uuid.uuid4())  # an unknown build is ignored
        worker.cancel_requested(build.id)
        await eventually(lambda: build.id in pipeline.cancelled)
        await eventually(lambda: worker.running_builds == 0)
    finally:
        await worker.stop()
    assert pipeline.cancelled == {build.id: "cancel"}
    assert pipeline.controls[build.id].stop_reason == "cancel"


async def test_stop_cancels_running_builds_for_shutdown_and_returns(uow: UnitOfWorkFactory) -> None:
    builds = await queued_builds(uow, "shutdown", 2)
    pipeline = StubPipeline()
    worker = new_worker(uow, pipeline, concurrency=2)
    worker.start()
    try:
        await eventually(lambda: pipeline.active == 2)
    finally:
        await asyncio.wait_for(worker.stop(), 5)
    assert pipeline.cancelled == {b.id: "shutdown" for b in builds}
    assert pipeline.active == 0


async def test_after_stop_the_worker_reports_no_running_builds(uow: UnitOfWorkFactory) -> None:
    await queued_builds(uow, "shutdown-count", 2)
    pipeline = StubPipeline()
    worker = new_worker(uow, pipeline, concurrency=2)
    worker.start()
    try:
        await eventually(lambda: worker.running_builds == 2)
    finally:
        await asyncio.wait_for(worker.stop(), 5)
    assert worker.running_builds == 0, (
        "BUG infra/worker/build_worker.py:83/131-132: stop() cancels the slot loops while each "
        "slot is still in _run's finally awaiting gather(heartbeat); the CancelledError skips "
        f"self._running.pop(), so {worker.running_builds} finished builds stay listed as running"
    )


async def test_a_cancel_written_by_another_process_is_noticed_by_the_heartbeat(
    uow: UnitOfWorkFactory,
) -> None:
    (build,) = await queued_builds(uow, "remote-cancel", 1)
    pipeline = StubPipeline()
    worker = new_worker(uow, pipeline, concurrency=1)
    worker.start()
    try:
        await eventually(lambda: build.id in pipeline.controls)
        async with uow() as other_process:
            stored = await other_process.builds.get(build.id)
            assert stored is not None
            stored.cancel_requested_at = datetime.now(UTC)
            await other_process.builds.save(stored)
            await other_process.commit()
        waited = await eventually(lambda: build.id in pipeline.cancelled, within=2.5)
    finally:
        await worker.stop()
    assert pipeline.cancelled == {build.id: "cancel"}
    assert waited <= 2.2, f"the heartbeat took {waited:.2f} s to notice the cancel"


class GatedUnitOfWork(SqlAlchemyUnitOfWork):
    """Holds a worker's second successful claim, after its commit, until the gate opens."""

    claims = 0
    held: asyncio.Event  # set on the subclass made per test
    gate: asyncio.Event

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self._claimed = False
        real_claim = self.builds.claim_next

        async def claim_next(owner: str, now: datetime, lease_until: datetime) -> Build | None:
            build = await real_claim(owner, now, lease_until)
            self._claimed = build is not None
            return build

        self.builds.claim_next = claim_next
        return self

    async def commit(self) -> None:
        await super().commit()
        if self._claimed:
            type(self).claims += 1
            if type(self).claims == 2:
                self.held.set()
                await self.gate.wait()


async def test_a_build_claimed_while_the_worker_stops_is_not_cancelled_as_a_user_cancel(
    application: Application, uow: UnitOfWorkFactory
) -> None:
    builds = await queued_builds(uow, "claimed-during-stop", 2)
    factory = create_session_factory(application.database)

    class Gated(GatedUnitOfWork):
        held = asyncio.Event()
        gate = asyncio.Event()

    pipeline = StubPipeline()

    async def slow_release(build_id: uuid.UUID) -> None:
        # Like the real pipeline, releasing a build for shutdown takes a moment (a write).
        await eventually(lambda: len(pipeline.controls) == 2 or Gated.gate.is_set(), 1.0)
        await asyncio.sleep(0.1)

    pipeline.on_cancel = slow_release
    worker = new_worker(lambda **_: Gated(factory), pipeline, concurrency=2)
    worker.start()
    try:
        await eventually(lambda: len(pipeline.controls) == 1 and Gated.held.is_set())
        stopping = asyncio.create_task(worker.stop())
        await asyncio.sleep(0.05)  # stop() is now waiting for the first build to wind down
        Gated.gate.set()  # ... when the second slot's claim returns
        await asyncio.wait_for(stopping, 5)
    finally:
        Gated.gate.set()
        await asyncio.wait_for(worker.stop(), 5)
    late = builds[1].id if builds[0].id in pipeline.controls else builds[0].id
    assert late not in pipeline.calls or pipeline.cancelled.get(late) == "shutdown", (
        "BUG infra/worker/build_worker.py: a build claimed while stop() was waiting for "
        "running builds was started anyway (_slot does not re-check _stopping after _claim) "
        "and then cancelled by the slot's own cancellation with control.stop_reason="
        f"{pipeline.cancelled.get(late)!r}; the real pipeline treats that as a user's cancel "
        "and ends the build CANCELLED instead of releasing it to the queue"
    )

from __future__ import annotations

import asyncio
import uuid

import pytest

from domain.builds import log_writer as log_writer_module
from domain.builds.log_writer import BuildLogWriter
from domain.builds.model import LogLine, LogStream
from tests.unit.fakes import FakeClock

BUILD_ID = uuid.uuid4()
TRUNCATED = "[machete] log truncated"


class RecordingStore:
    """Stores batches in memory; fails the first `failures` calls like a locked database."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.batches: list[list[LogLine]] = []
        self.byte_counts: list[int] = []
        self.calls = 0

    async def __call__(self, build_id: uuid.UUID, lines: list[LogLine], total_bytes: int) -> None:
        assert build_id == BUILD_ID
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise ConnectionError("database is locked")
        self.batches.append(list(lines))
        self.byte_counts.append(total_bytes)

    @property
    def lines(self) -> list[LogLine]:
        return [line for batch in self.batches for line in batch]

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]


def writer(
    store: RecordingStore,
    *,
    next_seq: int = 0,
    stored_bytes: int = 0,
    max_lines: int = 1000,
    max_bytes: int = 1_000_000,
) -> BuildLogWriter:
    return BuildLogWriter(
        BUILD_ID,
        store,
        FakeClock(),
        next_seq=next_seq,
        stored_bytes=stored_bytes,
        max_lines=max_lines,
        max_bytes=max_bytes,
    )


async def test_lines_continue_the_sequence_after_the_stored_ones() -> None:
    store = RecordingStore()
    log = writer(store, next_seq=7, stored_bytes=40)
    log.write(LogStream.STDOUT, "compiling\n")
    log.write(LogStream.STDERR, "warning: old pip\r\n")
    log.system("done")
    await log.close()

    assert [(line.seq, line.stream, line.text) for line in store.lines] == [
        (8, LogStream.STDOUT, "compiling"),
        (9, LogStream.STDERR, "warning: old pip"),
        (10, LogStream.SYSTEM, "done"),
    ]
    assert store.byte_counts[-1] == 40 + len("compilingwarning: old pipdone")


async def test_lines_are_stored_in_batches_in_order() -> None:
    store = RecordingStore()
    log = writer(store)
    log.start()
    count = 2 * log_writer_module.FLUSH_BATCH_LINES + 50
    for number in range(count):
        log.write(LogStream.STDOUT, f"line {number}")
        if number % 100 == 0:
            await asyncio.sleep(0)
    await log.close()

    assert [line.seq for line in store.lines] == list(range(1, count + 1))
    assert store.texts == [f"line {number}" for number in range(count)]
    assert 1 <= store.calls < count / 10
    assert not log.truncated


async def test_buffered_lines_are_stored_periodically_before_close(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(log_writer_module, "FLUSH_INTERVAL_SECONDS", 0.01)
    store = RecordingStore()
    log = writer(store)
    log.start()
    log.write(LogStream.STDOUT, "first")
    log.write(LogStream.STDOUT, "second")
    for _ in range(100):
        if store.lines:
            break
        await asyncio.sleep(0.01)
    assert store.texts == ["first", "second"], "stored while the build still runs"
    await log.close()
    assert store.calls == 1


async def test_reaching_the_line_cap_stores_one_marker_and_a_summary_on_close() -> None:
    store = RecordingStore()
    log = writer(store, max_lines=10)
    for number in range(20):
        log.write(LogStream.STDOUT, f"line {number}")
    assert log.truncated
    await log.close()

    texts = store.texts
    kept = texts.index(next(text for text in texts if text.startswith(TRUNCATED)))
    assert 0 < kept < 10
    assert texts[:kept] == [f"line {number}" for number in range(kept)]
    assert sum(text.startswith(TRUNCATED) for text in texts) == 1
    assert texts[kept + 1 :] == [f"[machete] {20 - kept} lines were not stored (log cap)."]
    assert [line.seq for line in store.lines] == list(range(1, len(texts) + 1))
    assert store.lines[-1].stream is LogStream.SYSTEM


async def test_the_stored_lines_never_exceed_the_line_cap() -> None:
    store = RecordingStore()
    log = writer(store, max_lines=10)
    for number in range(20):
        log.write(LogStream.STDOUT, f"line {number}")
    await log.close()
    assert len(store.lines) <= 10, [line.text for line in store.lines[-2:]]


async def test_reaching_the_byte_cap_stores_one_marker_and_a_summary_on_close() -> None:
    store = RecordingStore()
    log = writer(store, max_bytes=100)
    for number in range(6):
        log.write(LogStream.STDOUT, f"{number}" * 30)
    await log.close()

    texts = store.texts
    assert texts[:3] == ["0" * 30, "1" * 30, "2" * 30]
    assert texts[3].startswith(TRUNCATED)
    assert sum(text.startswith(TRUNCATED) for text in texts) == 1
    assert texts[-1] == "[machete] 3 lines were not stored (log cap)."
    assert len(texts) == 5


async def test_the_byte_cap_counts_utf8_bytes_not_characters() -> None:
    store = RecordingStore()
    log = writer(store, max_bytes=100)
    for _ in range(3):
        log.write(LogStream.STDOUT, "é" * 30)  # 60 bytes each
    await log.close()

    kept = [line.text for line in store.lines if line.stream is LogStream.STDOUT]
    assert sum(len(text.encode()) for text in kept) <= 100, f"{len(kept)} lines of 60 bytes kept"


async def test_a_store_that_fails_once_loses_no_lines() -> None:
    store = RecordingStore(failures=1)
    log = writer(store)
    for number in range(5):
        log.write(LogStream.STDOUT, f"line {number}")
    with pytest.raises(ConnectionError):
        await log.flush()
    log.write(LogStream.STDOUT, "line 5")
    await log.flush()
    await log.close()

    assert store.texts == [f"line {number}" for number in range(6)]
    assert [line.seq for line in store.lines] == list(range(1, 7))
    assert store.calls == 2


async def test_a_line_written_after_close_is_dropped_so_it_never_follows_the_final_status() -> None:
    stored: list[LogLine] = []

    async def store(build_id: uuid.UUID, lines: list[LogLine], size: int) -> None:
        stored.extend(lines)

    writer = BuildLogWriter(
        uuid.uuid4(),
        store,
        FakeClock(),
        next_seq=0,
        stored_bytes=0,
        max_lines=100,
        max_bytes=10_000,
    )
    writer.system("last words")
    await writer.close()
    writer.system("a straggler from a reader thread")
    await writer.close()
    assert [line.text for line in stored] == ["last words"]


class CommitsThenFailsStore(RecordingStore):
    """Its first call stores the batch, then raises, like a cancellation after COMMIT."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error: BaseException | None = error
        self.seq_reads = 0

    async def __call__(self, build_id: uuid.UUID, lines: list[LogLine], total_bytes: int) -> None:
        stored = {line.seq for line in self.lines}
        assert not stored & {line.seq for line in lines}, "a stored seq was inserted again"
        await super().__call__(build_id, lines, total_bytes)
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    async def stored_seq(self, build_id: uuid.UUID) -> int:
        assert build_id == BUILD_ID
        self.seq_reads += 1
        return self.lines[-1].seq if self.lines else 0


def reading_writer(store: CommitsThenFailsStore) -> BuildLogWriter:
    return BuildLogWriter(
        BUILD_ID,
        store,
        FakeClock(),
        next_seq=0,
        stored_bytes=0,
        max_lines=1000,
        max_bytes=1_000_000,
        stored_seq=store.stored_seq,
    )


async def test_a_batch_committed_before_its_store_raised_is_not_stored_again() -> None:
    store = CommitsThenFailsStore(asyncio.CancelledError())
    log = reading_writer(store)
    for number in range(5):
        log.write(LogStream.STDOUT, f"line {number}")
    with pytest.raises(asyncio.CancelledError):
        await log.flush()
    log.write(LogStream.STDOUT, "line 5")
    await log.close()

    assert store.texts == [f"line {number}" for number in range(6)]
    assert [line.seq for line in store.lines] == list(range(1, 7))
    assert store.byte_counts[-1] == sum(len(text) for text in store.texts)
    assert store.seq_reads == 1, "read back once, after the failure only"


async def test_close_stores_every_line_once_when_the_periodic_flush_failed_after_commit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(log_writer_module, "RETRY_SECONDS", 0.01)
    store = CommitsThenFailsStore(ConnectionError("the reply to COMMIT was lost"))
    log = reading_writer(store)
    log.start()
    count = log_writer_module.FLUSH_BATCH_LINES + 30
    for number in range(count):
        log.write(LogStream.STDOUT, f"line {number}")
    await log.close()

    assert [line.seq for line in store.lines] == list(range(1, count + 1))
    assert store.texts == [f"line {number}" for number in range(count)]


async def test_a_batch_whose_store_failed_before_commit_is_stored_on_the_next_flush() -> None:
    store = RecordingStore(failures=1)
    reads: list[uuid.UUID] = []

    async def stored_seq(build_id: uuid.UUID) -> int:
        reads.append(build_id)
        return 3  # the lines stored before this writer started; the batch is not among them

    log = BuildLogWriter(
        BUILD_ID,
        store,
        FakeClock(),
        next_seq=3,
        stored_bytes=0,
        max_lines=1000,
        max_bytes=1_000_000,
        stored_seq=stored_seq,
    )
    log.write(LogStream.STDOUT, "first")
    log.write(LogStream.STDOUT, "second")
    with pytest.raises(ConnectionError):
        await log.flush()
    await log.close()

    assert [(line.seq, line.text) for line in store.lines] == [(4, "first"), (5, "second")]
    assert reads == [BUILD_ID]


async def test_a_writer_whose_build_was_taken_over_still_fails_on_a_duplicate_seq() -> None:
    class TakenOver(RecordingStore):
        async def __call__(self, build_id: uuid.UUID, lines: list[LogLine], size: int) -> None:
            raise RuntimeError("UNIQUE constraint failed: build_log_lines.seq")

    async def stored_seq(build_id: uuid.UUID) -> int:
        return 40  # another worker's lines, not this writer's batch

    store = TakenOver()
    log = BuildLogWriter(
        BUILD_ID,
        store,
        FakeClock(),
        next_seq=0,
        stored_bytes=0,
        max_lines=1000,
        max_bytes=1_000_000,
        stored_seq=stored_seq,
    )
    log.write(LogStream.STDOUT, "mine")
    with pytest.raises(RuntimeError, match="UNIQUE"):
        await log.flush()
    with pytest.raises(RuntimeError, match="UNIQUE"):
        await log.flush()  # still trying its own lines: nothing was dropped as "stored"

"""Collects a build's output and stores it in batches, in order, under a per-build cap."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable

from domain.builds.model import LogLine, LogStream
from domain.clock import Clock

FLUSH_INTERVAL_SECONDS = 0.25
RETRY_SECONDS = 0.5
CLOSE_ATTEMPTS = 3
RESERVED_LINES = 2
FLUSH_BATCH_LINES = 200
MAX_LINE_CHARS = 8192

logger = logging.getLogger(__name__)
StoreLines = Callable[[uuid.UUID, list[LogLine], int], Awaitable[None]]
"""Stores a batch and the build's new line and byte counts in one transaction."""
StoredSeq = Callable[[uuid.UUID], Awaitable[int]]
"""The build's stored line count (its highest stored seq), read back in a new transaction."""


class BuildLogWriter:
    def __init__(
        self,
        build_id: uuid.UUID,
        store: StoreLines,
        clock: Clock,
        *,
        next_seq: int,
        stored_bytes: int,
        max_lines: int,
        max_bytes: int,
        stored_seq: StoredSeq | None = None,
    ) -> None:
        self._build_id = build_id
        self._store = store
        self._stored_seq = stored_seq
        # The last seq of a batch whose store raised: it may have committed all the same.
        self._maybe_stored: int | None = None
        self._clock = clock
        self._next_seq = next_seq
        self._bytes = stored_bytes
        self._stored_bytes = stored_bytes
        self._max_lines = max_lines
        self._max_bytes = max_bytes
        self._pending: list[LogLine] = []
        self._dropped = 0
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._closing = False
        self._sealed = False
        self._task: asyncio.Task[None] | None = None

    @property
    def truncated(self) -> bool:
        return self._dropped > 0

    def write(self, stream: LogStream, text: str) -> None:
        """Queue one line (called on the event loop); never blocks the build."""
        if self._sealed:
            # Closed: the build's final status may be committed already, and a line stored
            # after it would reach a live feed that has already said `done`.
            logger.debug("dropped a late line of build %s", self._build_id)
            return
        text = text.rstrip("\r\n")[:MAX_LINE_CHARS]
        if self._dropped or self._over_cap(text):
            if not self._dropped:
                self._append(
                    LogStream.SYSTEM,
                    f"[machete] log truncated: this build reached its cap of "
                    f"{self._max_lines} lines / {self._max_bytes} bytes; later lines are "
                    "not stored.",
                )
            self._dropped += 1
            return
        self._append(stream, text)

    def system(self, text: str) -> None:
        self.write(LogStream.SYSTEM, text)

    def _over_cap(self, text: str) -> bool:
        # Two lines stay in reserve: the truncation marker and the final count of dropped lines.
        lines_used = self._next_seq
        too_many = lines_used + RESERVED_LINES >= self._max_lines
        return too_many or self._bytes + len(text.encode()) > self._max_bytes

    def _append(self, stream: LogStream, text: str) -> None:
        self._next_seq += 1
        self._bytes += len(text.encode())
        self._pending.append(LogLine(self._next_seq, stream, self._clock.now(), text))
        if len(self._pending) >= FLUSH_BATCH_LINES:
            self._wake.set()

    async def flush(self) -> None:
        # Lines leave the buffer only once stored, so a failed store loses nothing.
        async with self._lock:
            if self._maybe_stored is not None:
                await self._forget_what_was_stored(self._maybe_stored)
            if not self._pending:
                return
            batch = list(self._pending)
            stored_bytes = self._stored_bytes + _size(batch)
            try:
                await self._store(self._build_id, batch, stored_bytes)
            except BaseException:
                # A store can fail after its COMMIT (a cancellation, a lost reply).
                self._maybe_stored = batch[-1].seq
                raise
            self._stored_bytes = stored_bytes
            del self._pending[: len(batch)]

    async def _forget_what_was_stored(self, last_seq: int) -> None:
        """Drop the failed batch from the buffer if it was committed after all.

        The stored count is either just before the batch (nothing stored: retry it) or its last
        seq (all stored: storing it again would collide with itself on every retry). Anything
        else means another writer took over; the retry then fails on a duplicate, as it should.
        """
        if self._stored_seq is not None and await self._stored_seq(self._build_id) == last_seq:
            stored = [line for line in self._pending if line.seq <= last_seq]
            self._stored_bytes += _size(stored)
            del self._pending[: len(stored)]
        self._maybe_stored = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._flush_periodically())

    async def _flush_periodically(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), FLUSH_INTERVAL_SECONDS)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                # The lines stay buffered; the next round (or close) stores them.
                logger.exception("storing log lines of build %s failed; retrying", self._build_id)
                await asyncio.sleep(RETRY_SECONDS)

    async def close(self) -> None:
        """Stop the periodic flush and store everything still buffered (idempotent)."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        self._append_drop_summary()
        for attempt in range(CLOSE_ATTEMPTS):
            try:
                await self.flush()
                self._sealed = True
                return
            except Exception:
                if attempt == CLOSE_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(RETRY_SECONDS)

    async def abandon(self) -> None:
        """Stop without storing what is buffered (the build is no longer this writer's)."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        self._pending.clear()

    def _append_drop_summary(self) -> None:
        if self._dropped:
            self._next_seq += 1
            self._pending.append(
                LogLine(
                    self._next_seq,
                    LogStream.SYSTEM,
                    self._clock.now(),
                    f"[machete] {self._dropped} lines were not stored (log cap).",
                )
            )
            self._dropped = 0


def _size(lines: list[LogLine]) -> int:
    return sum(len(line.text.encode()) for line in lines)

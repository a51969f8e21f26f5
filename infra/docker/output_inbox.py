"""Lines handed from a reading thread to the event loop, taken in batches.

Bounded: when whoever follows the output reads slower than the container prints, the thread
waits for room instead of memory growing. The thread wakes the loop only when a batch may be
ready (a first line, a full batch, the end), not for every line.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable
from contextlib import suppress

from domain.containers import ContainerOutput

BATCH_LINES = 500
BATCH_SECONDS = 0.1
CAPACITY = 2 * BATCH_LINES


class Inbox:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._condition = threading.Condition()
        self._lines: deque[ContainerOutput] = deque()
        self._ended = False
        self._error: Exception | None = None
        self._closed = False
        self._changed = asyncio.Event()

    # The reading thread's side.

    def put(self, line: ContainerOutput) -> bool:
        """Add a line once there is room; False when nobody listens any more (stop reading)."""
        with self._condition:
            while len(self._lines) >= CAPACITY and not self._closed:
                self._condition.wait()
            if self._closed:
                return False
            self._lines.append(line)
            if len(self._lines) in (1, BATCH_LINES):
                self._wake()
            return True

    def end(self, error: Exception | None = None) -> None:
        """The last call of the thread: no more lines, and why (None: the stream ended)."""
        with self._condition:
            self._ended, self._error = True, error
            self._wake()

    def _wake(self) -> None:
        with suppress(RuntimeError):  # the loop is closed: nobody is waiting any more
            self._loop.call_soon_threadsafe(self._changed.set)

    # The event loop's side.

    async def next_batch(self) -> list[ContainerOutput]:
        """Lines that arrived within BATCH_SECONDS of the first (at most BATCH_LINES); an
        empty list once the stream has ended, or the reader's error after its last lines."""
        await self._until(lambda count, ended: count > 0 or ended)
        with suppress(TimeoutError):
            async with asyncio.timeout(BATCH_SECONDS):
                await self._until(lambda count, ended: count >= BATCH_LINES or ended)
        with self._condition:
            taken = min(BATCH_LINES, len(self._lines))
            batch = [self._lines.popleft() for _ in range(taken)]
            self._condition.notify_all()
            if not batch and self._error is not None:
                raise self._error
        return batch

    async def ended(self) -> None:
        await self._until(lambda _, ended: ended)

    def close(self) -> None:
        """Nobody reads any more: drop what is buffered and release a thread waiting for room."""
        with self._condition:
            self._closed = True
            self._lines.clear()
            self._condition.notify_all()

    async def _until(self, ready: Callable[[int, bool], bool]) -> None:
        while True:
            # Cleared before looking: a change made after the look sets it again.
            self._changed.clear()
            with self._condition:
                if ready(len(self._lines), self._ended):
                    return
            await self._changed.wait()

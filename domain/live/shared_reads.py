"""Identical reads made at once by many feeds share one query.

Two hundred followers of one build wake on the same event with the same cursor; without this
they would run two hundred identical queries. A read joins one already in flight only if that
one started after the caller learned of the change, so what it returns includes that change.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class SharedReads(Generic[Value]):
    def __init__(self) -> None:
        self._in_flight: dict[Hashable, tuple[float, asyncio.Future[Value]]] = {}

    async def read(
        self, key: Hashable, not_before: float, load: Callable[[], Awaitable[Value]]
    ) -> Value:
        """`load()`'s result; `not_before` is a `time.monotonic()` reading."""
        found = self._in_flight.get(key)
        if found is not None and found[0] >= not_before:
            # Shielded: one caller giving up must not cancel the read for the others.
            return await asyncio.shield(found[1])
        started = time.monotonic()
        future = asyncio.ensure_future(load())
        self._in_flight[key] = (started, future)
        future.add_done_callback(lambda done: self._finished(key, done))
        return await asyncio.shield(future)

    def _finished(self, key: Hashable, future: asyncio.Future[Value]) -> None:
        if self._in_flight.get(key, (0.0, None))[1] is future:
            del self._in_flight[key]
        if not future.cancelled():
            future.exception()  # retrieved here, so an unawaited failure is not reported twice

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

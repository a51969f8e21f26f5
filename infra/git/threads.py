"""Blocking work in a thread that the awaiting task cannot abandon halfway."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def run_until_done(work: Callable[[], T], stop: threading.Event | None = None) -> T:
    """Run `work` in a thread and return its result.

    If the awaiting task is cancelled, `stop` is set (the work is expected to end promptly,
    e.g. by killing its process) and the thread is awaited to its end before CancelledError
    propagates, so nothing it started outlives the cancellation.
    """
    future = asyncio.get_running_loop().run_in_executor(None, work)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        if stop is not None:
            stop.set()
        await _wait_ignoring_cancellation(future)
        raise


async def _wait_ignoring_cancellation(future: asyncio.Future[Any]) -> None:
    while not future.done():
        try:
            await asyncio.wait({future})
        except asyncio.CancelledError:
            continue  # a second cancel changes nothing: the thread must still be waited for
    if not future.cancelled():
        future.exception()  # retrieved, so asyncio does not log it as never retrieved

"""Identical reads at once share one query, never one that started before the caller's news."""

from __future__ import annotations

import asyncio
import time

import pytest

from domain.live.shared_reads import SharedReads


class CountingLoad:
    def __init__(self) -> None:
        self.calls = 0
        self.release = asyncio.Event()

    async def __call__(self) -> int:
        self.calls += 1
        number = self.calls
        await self.release.wait()
        return number


async def test_callers_who_learned_of_a_change_before_a_read_started_share_it() -> None:
    reads: SharedReads[int] = SharedReads()
    load = CountingLoad()
    learned = time.monotonic()
    waiting = [asyncio.create_task(reads.read("k", learned, load)) for _ in range(50)]
    await asyncio.sleep(0)
    load.release.set()
    assert await asyncio.gather(*waiting) == [1] * 50
    assert load.calls == 1
    assert reads.in_flight == 0


async def test_a_caller_who_learned_later_than_the_read_started_runs_its_own() -> None:
    reads: SharedReads[int] = SharedReads()
    load = CountingLoad()
    first = asyncio.create_task(reads.read("k", time.monotonic(), load))
    await asyncio.sleep(0.01)
    second = asyncio.create_task(reads.read("k", time.monotonic(), load))
    await asyncio.sleep(0)
    load.release.set()
    assert (await first, await second) == (1, 2)


async def test_different_keys_never_share() -> None:
    reads: SharedReads[int] = SharedReads()
    load = CountingLoad()
    load.release.set()
    learned = time.monotonic()
    await asyncio.gather(reads.read("a", learned, load), reads.read("b", learned, load))
    assert load.calls == 2


async def test_one_caller_giving_up_does_not_cancel_the_read_for_the_others() -> None:
    reads: SharedReads[int] = SharedReads()
    load = CountingLoad()
    learned = time.monotonic()
    quitter = asyncio.create_task(reads.read("k", learned, load))
    stayer = asyncio.create_task(reads.read("k", learned, load))
    await asyncio.sleep(0)
    quitter.cancel()
    load.release.set()
    assert await stayer == 1
    with pytest.raises(asyncio.CancelledError):
        await quitter


async def test_a_failed_read_fails_every_caller_and_is_not_kept() -> None:
    reads: SharedReads[int] = SharedReads()

    async def broken() -> int:
        await asyncio.sleep(0)
        raise OSError("database gone")

    learned = time.monotonic()
    results = await asyncio.gather(
        reads.read("k", learned, broken), reads.read("k", learned, broken), return_exceptions=True
    )
    assert all(isinstance(result, OSError) for result in results)
    assert reads.in_flight == 0

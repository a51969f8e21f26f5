"""Helpers for event bus tests: a bounded wait for the next event, and a raw LISTEN connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import asyncpg

from domain.events import Event
from domain.ports.events import EventSubscription
from infra.events.postgres import CHANNEL, connect_arguments

HANG_GUARD_SECONDS = 30


async def next_event(feed: EventSubscription) -> Event:
    async with asyncio.timeout(HANG_GUARD_SECONDS):
        return await feed.next()


@dataclass
class HeardPayloads:
    payloads: list[str] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def hear(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        self.payloads.append(payload)
        self.arrived.set()

    def drain(self) -> list[str]:
        heard, self.payloads = self.payloads, []
        self.arrived.clear()
        return heard

    async def next(self) -> str:
        async with asyncio.timeout(HANG_GUARD_SECONDS):
            while not self.payloads:
                self.arrived.clear()
                await self.arrived.wait()
        return self.payloads.pop(0)


@asynccontextmanager
async def raw_listener(database_url: str) -> AsyncIterator[HeardPayloads]:
    """What any third process listening on the channel sees: the payloads, verbatim."""
    connection = await asyncpg.connect(**connect_arguments(database_url))
    heard = HeardPayloads()
    try:
        await connection.add_listener(CHANNEL, heard.hear)
        yield heard
    finally:
        await connection.close()

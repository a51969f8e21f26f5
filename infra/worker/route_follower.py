"""Keeps the gateway's routes following the tools: after every committed tool change (from this
process or another, through the event bus), and once every interval whatever happened, so a
change whose event was lost, or a gateway that restarted, is put right on the next pass."""

from __future__ import annotations

import asyncio
import contextlib

from domain.errors import FeedClosed, FeedLagged
from domain.events import ALL_TOOLS
from domain.gateway.sync import RouteSync
from domain.ports import EventBus

# Changes that arrive together (a build's progress, a switch) are applied as one table.
COALESCE_SECONDS = 0.05


class RouteFollower:
    def __init__(self, events: EventBus, routes: RouteSync, interval_seconds: float) -> None:
        self._events = events
        self._routes = routes
        self._interval = interval_seconds

    async def run(self) -> None:
        await self._routes.try_apply()
        while True:
            try:
                with self._events.subscribe([ALL_TOOLS]) as changes:
                    while True:
                        with contextlib.suppress(TimeoutError):
                            async with asyncio.timeout(self._interval):
                                await changes.next()
                                await asyncio.sleep(COALESCE_SECONDS)
                                changes.drain()
                        await self._routes.try_apply()
            except FeedLagged:
                await self._routes.try_apply()  # dropped for reading too slowly: catch up
            except FeedClosed:
                return

"""Waiting for the next change worth re-reading, for live feeds.

Events only say "look again": a feed re-reads the store after each wake-up, and also after a
quiet spell, so a lost event delays it by at most `recheck_seconds` and never skips anything.
"""

from __future__ import annotations

import asyncio
import time

from domain.events import Event
from domain.ports.events import EventSubscription

MIN_INTERVAL_SECONDS = 0.1
RECHECK_SECONDS = 5.0


class Wakeups:
    def __init__(
        self,
        subscription: EventSubscription,
        *,
        min_interval: float = MIN_INTERVAL_SECONDS,
        recheck_seconds: float = RECHECK_SECONDS,
    ) -> None:
        self._subscription = subscription
        self._min_interval = min_interval
        self._recheck_seconds = recheck_seconds
        self._last_round = 0.0
        self.woke_at = time.monotonic()
        """When the changes the last round learned of were announced (or when it gave up
        waiting): reads started since then see them."""

    async def wait(self) -> list[Event]:
        """The events that arrived (none after a quiet spell). Raises FeedLagged, FeedClosed."""
        events: list[Event] = []
        try:
            async with asyncio.timeout(self._recheck_seconds):
                events.append(await self._subscription.next())
        except TimeoutError:
            pass
        gave_up_at = time.monotonic()
        # Coalesce: a chatty source gives at most one round per interval, not one per event.
        delay = self._last_round + self._min_interval - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        events.extend(self._subscription.drain())
        self.woke_at = self._subscription.last_delivery if events else gave_up_at
        self._last_round = time.monotonic()
        return events

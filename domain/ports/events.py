"""The event bus: how committed changes wake up live feeds, in this process and in others."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Protocol, Self

from domain.events import Event, Topic


class EventSubscription(Protocol):
    """A bounded queue of events on some topics.

    A subscriber that stops reading is dropped once its queue is full (its next read raises
    `FeedLagged`) instead of buffering without limit or slowing the publisher.
    """

    @property
    def last_delivery(self) -> float:
        """`time.monotonic()` when the newest event queued here was delivered (0 if none)."""
        ...

    async def next(self) -> Event:
        """Wait for the next event (bound the wait with `asyncio.timeout`).

        Raises `FeedLagged` when the queue overflowed, `FeedClosed` when the bus shut down.
        """
        ...

    def drain(self) -> list[Event]:
        """Every event already queued, without waiting."""
        ...

    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class EventBus(Protocol):
    def publish(self, events: Sequence[Event]) -> None:
        """Hand events over for every subscriber, here and in other processes; call after commit.

        Returns at once and never raises for a delivery problem: delivery happens in the
        background, so a committed change is never reported as failed, nor delayed by the
        network. Delivery is best effort: an event may arrive late, merged with others, or
        replaced by `FeedResumed` (re-read everything); subscribers re-read the store anyway.
        """
        ...

    def subscribe(self, topics: Sequence[Topic]) -> EventSubscription: ...

    @property
    def registrations(self) -> int:
        """Live subscriptions in this process (for tests and diagnostics)."""
        ...

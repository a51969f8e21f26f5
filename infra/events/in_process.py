"""The embedded default: events reach the subscribers of this one process."""

from __future__ import annotations

from collections.abc import Sequence

from domain.events import Event, Topic
from infra.events.fan_out import DEFAULT_CAPACITY, LocalFanOut, QueuedSubscription


class InProcessEventBus:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._fan_out = LocalFanOut(capacity)

    @property
    def registrations(self) -> int:
        return self._fan_out.registrations

    def publish(self, events: Sequence[Event]) -> None:
        self._fan_out.deliver(events)  # at once: queueing never waits

    def subscribe(self, topics: Sequence[Topic]) -> QueuedSubscription:
        return self._fan_out.subscribe(topics)

    async def start(self) -> None:
        """Nothing to connect to."""

    async def close(self) -> None:
        self._fan_out.close()

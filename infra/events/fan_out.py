"""Delivery to this process's subscribers: one bounded queue each, never blocking the publisher."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Self

from domain.errors import FeedClosed, FeedLagged
from domain.events import Event, FeedResumed, Topic

logger = logging.getLogger(__name__)
DEFAULT_CAPACITY = 256


class QueuedSubscription:
    def __init__(self, fan_out: LocalFanOut, topics: tuple[Topic, ...], capacity: int) -> None:
        self._fan_out = fan_out
        self.topics = topics
        self._queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=capacity)
        self._failure: Exception | None = None
        self._wake = asyncio.Event()
        self.last_delivery = 0.0

    def offer(self, event: Event, delivered_at: float) -> None:
        if self._failure is not None:
            return
        try:
            self._queue.put_nowait(event)
            self.last_delivery = delivered_at
        except asyncio.QueueFull:
            self._fail(
                FeedLagged(
                    f"This feed fell behind: {self._queue.maxsize} events waited unread, so it "
                    "was closed. Subscribe again from the last position you received."
                )
            )
            return
        self._wake.set()

    def _fail(self, failure: Exception) -> None:
        self._failure = failure
        self._fan_out.forget(self)
        self._wake.set()

    def end(self) -> None:
        """The bus is closing: wake the reader with `FeedClosed`."""
        self._fail(FeedClosed("The server is shutting down."))

    async def next(self) -> Event:
        while self._queue.empty():
            if self._failure is not None:
                raise self._failure
            self._wake.clear()
            await self._wake.wait()
        return self._queue.get_nowait()

    def drain(self) -> list[Event]:
        events = []
        while not self._queue.empty():
            events.append(self._queue.get_nowait())
        return events

    def close(self) -> None:
        self._fan_out.forget(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class LocalFanOut:
    """Topic -> subscriptions of this process. Runs on one event loop; no locks needed."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._by_topic: defaultdict[Topic, set[QueuedSubscription]] = defaultdict(set)
        self._all: set[QueuedSubscription] = set()
        self._closed = False

    @property
    def registrations(self) -> int:
        return len(self._all)

    def subscribe(self, topics: Sequence[Topic]) -> QueuedSubscription:
        subscription = QueuedSubscription(self, tuple(topics), self._capacity)
        if self._closed:
            subscription.end()
            return subscription
        self._all.add(subscription)
        for topic in subscription.topics:
            self._by_topic[topic].add(subscription)
        return subscription

    def forget(self, subscription: QueuedSubscription) -> None:
        if subscription not in self._all:
            return
        self._all.discard(subscription)
        for topic in subscription.topics:
            subscribers = self._by_topic.get(topic)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._by_topic[topic]

    def deliver(self, events: Iterable[Event]) -> None:
        delivered_at = time.monotonic()
        for event in events:
            for subscription in self._targets(event):
                subscription.offer(event, delivered_at)

    def _targets(self, event: Event) -> list[QueuedSubscription]:
        if isinstance(event, FeedResumed):
            return list(self._all)
        found: set[QueuedSubscription] = set()
        for topic in event.topics:
            found.update(self._by_topic.get(topic, ()))
        return list(found)

    def close(self) -> None:
        self._closed = True
        for subscription in list(self._all):
            subscription.end()

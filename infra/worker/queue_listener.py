"""Wakes the build worker when another process (an API replica) queues a build, so the build
starts without waiting for the worker's next poll."""

from __future__ import annotations

from domain.errors import FeedClosed, FeedLagged
from domain.events import BUILD_QUEUE
from domain.ports import EventBus, EventSubscription
from infra.worker.build_worker import BuildWorker


class QueueListener:
    def __init__(self, events: EventBus, worker: BuildWorker) -> None:
        self._events = events
        self._worker = worker

    async def run(self) -> None:
        while True:
            try:
                with self._events.subscribe([BUILD_QUEUE]) as queue:
                    await self._wake_on_each(queue)
            except FeedLagged:
                continue  # dropped for reading too slowly: listen again
            except FeedClosed:
                return

    async def _wake_on_each(self, queue: EventSubscription) -> None:
        while True:
            await queue.next()
            queue.drain()
            self._worker.build_queued()

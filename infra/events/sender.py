"""NOTIFY sent by a background task, so publishing never waits on the database.

A unit of work publishes right after its COMMIT. Awaiting the network there would let a slow
server stall the caller, and a cancellation (a cancelled build, a stopping worker) surface from
a commit that already succeeded. So events queue here and one task sends them in order. While
a send is slow, later events wait and are merged; when too many wait, they are replaced by one
`FeedResumed`, which makes every live feed in every process re-read the store: a wake-up may
come late or merged, but no row is ever skipped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

from domain.events import Event, FeedResumed
from infra.events import codec
from infra.events.coalesce import coalesce
from infra.events.listener import close_connection

logger = logging.getLogger(__name__)
NOTIFY = "SELECT pg_notify($1, $2)"
MAX_WAITING_EVENTS = 10_000
SEND_TIMEOUT_SECONDS = 5.0  # connecting included: a server that stalls must not stall sending
FLUSH_TIMEOUT_SECONDS = 5.0
# A connection the server dropped (restart, idle timeout) is only noticed when it is used.
_LOST_CONNECTION = (asyncpg.PostgresConnectionError, ConnectionError)


class NotifySender:
    def __init__(
        self,
        connect: dict[str, Any],
        channel: str,
        deliver_locally: Callable[[Sequence[Event]], None],
        limit: int = MAX_WAITING_EVENTS,
    ) -> None:
        self._connect = connect
        self._channel = channel
        self._deliver_locally = deliver_locally
        self._limit = limit
        self._waiting: list[Event] = []
        self._ready = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._connection: asyncpg.Connection | None = None
        self._closed = False

    def enqueue(self, events: Sequence[Event]) -> None:
        """Queue events for the sending task, started on first use (needs a running loop)."""
        if not events:
            return
        if self._closed:
            logger.debug("the event bus is closed; %d events were not sent", len(events))
            return
        self._waiting.extend(events)
        if len(self._waiting) > self._limit:
            self._waiting = coalesce(self._waiting)
            # Past half the limit even merged: the backlog only grows, so one re-read replaces it.
            if len(self._waiting) > self._limit // 2:
                logger.warning(
                    "%d events waited to be sent; live feeds are told to re-read instead",
                    len(self._waiting),
                )
                self._waiting = [FeedResumed()]
        self._idle.clear()
        self._ready.set()
        if self._task is None or self._task.done():  # done: only if a bug ended it
            self._task = asyncio.get_running_loop().create_task(
                self._send_forever(), name="event bus sender"
            )

    async def close(self) -> None:
        """Send what is queued (waiting a bounded time), then stop the task and disconnect."""
        self._closed = True
        if self._task is not None:
            try:
                await asyncio.wait_for(self._idle.wait(), FLUSH_TIMEOUT_SECONDS)
            except TimeoutError:
                logger.warning("closing: %d queued events were not sent", len(self._waiting))
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        self._waiting.clear()
        connection, self._connection = self._connection, None
        await close_connection(connection)

    async def _send_forever(self) -> None:
        while True:
            await self._ready.wait()
            self._ready.clear()
            while self._waiting:
                batch, self._waiting = coalesce(self._waiting), []
                await self._send_or_deliver_locally(batch)
            self._idle.set()

    async def _send_or_deliver_locally(self, batch: list[Event]) -> None:
        try:
            async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
                await self._send(codec.encode(batch))
        except Exception as error:
            self._disconnect()
            # Other processes catch up at their feeds' next recheck; this one need not wait.
            logger.warning(
                "sending %d events failed (%s); only this process hears them",
                len(batch),
                type(error).__name__,
            )
            self._deliver_locally(batch)

    async def _send(self, payloads: list[str]) -> None:
        try:
            await self._notify(payloads)
        except _LOST_CONNECTION:
            self._disconnect()
            await self._notify(payloads)  # once more, on a new connection

    async def _notify(self, payloads: list[str]) -> None:
        if self._connection is None or self._connection.is_closed():
            self._connection = await asyncpg.connect(**self._connect)
        connection = self._connection
        if len(payloads) == 1:
            await connection.execute(NOTIFY, self._channel, payloads[0])
            return
        async with connection.transaction():  # the pieces arrive together or not at all
            for payload in payloads:
                await connection.execute(NOTIFY, self._channel, payload)

    def _disconnect(self) -> None:
        # After a failure its state is unknown (maybe mid-transaction): never reuse it.
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.terminate()

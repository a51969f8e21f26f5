"""One LISTEN connection kept open: watched, and reopened with backoff when it is lost."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from typing import Any

import asyncpg

logger = logging.getLogger(__name__)
PING_SECONDS = 10.0  # a silent half-open socket is only noticed by asking
PING_TIMEOUT_SECONDS = 5.0
FIRST_RETRY_SECONDS = 0.1
LONGEST_RETRY_SECONDS = 5.0
CLOSE_TIMEOUT_SECONDS = 5.0
# Connecting and LISTEN together: a server that accepts but never answers must not hold up a
# start, or a reconnect, for ever.
LISTEN_TIMEOUT_SECONDS = 10.0


class NotificationListener:
    def __init__(
        self,
        connect: dict[str, Any],
        channel: str,
        on_payload: Callable[[str], None],
        on_resumed: Callable[[], None],
    ) -> None:
        self._connect = connect
        self._channel = channel
        self._on_payload = on_payload
        self._on_resumed = on_resumed
        self._connection: asyncpg.Connection | None = None
        self._lost = asyncio.Event()
        self._watch: asyncio.Task[None] | None = None

    @property
    def server_pid(self) -> int | None:
        return self._connection.get_server_pid() if self._connection is not None else None

    async def start(self) -> None:
        """Listen before returning, so nothing notified after start is missed."""
        if self._watch is not None:
            return
        await self._listen()
        self._watch = asyncio.create_task(self._keep_listening(), name="event bus listener")

    async def close(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
            self._watch = None
        connection, self._connection = self._connection, None
        await close_connection(connection)

    async def _listen(self) -> None:
        async with asyncio.timeout(LISTEN_TIMEOUT_SECONDS):
            await self._connect_and_listen()

    async def _connect_and_listen(self) -> None:
        self._lost.clear()
        connection = await asyncpg.connect(**self._connect)
        # Current before it listens, so a loss from here on is noticed; a connection that is
        # no longer current (one discarded on purpose) is not a loss.
        self._connection = connection
        try:
            connection.add_termination_listener(self._on_terminated)
            await connection.add_listener(self._channel, self._on_notification)
        except BaseException:
            self._connection = None
            connection.terminate()
            raise

    def _on_terminated(self, connection: asyncpg.Connection) -> None:
        if connection is self._connection:
            self._lost.set()

    def _on_notification(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        self._on_payload(payload)

    async def _keep_listening(self) -> None:
        while True:
            await self._until_lost()
            logger.warning("the event bus lost its LISTEN connection; reconnecting")
            connection, self._connection = self._connection, None
            if connection is not None:
                connection.terminate()
            await self._reconnect()
            logger.info("the event bus listens again; live feeds re-read what they missed")
            self._on_resumed()

    async def _until_lost(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._lost.wait(), PING_SECONDS)
                return
            except TimeoutError:
                pass
            if not await self._answers():
                return

    async def _answers(self) -> bool:
        if self._connection is None:
            return False
        try:
            await self._connection.execute("SELECT 1", timeout=PING_TIMEOUT_SECONDS)
        except Exception:
            return False
        return True

    async def _reconnect(self) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            try:
                return await self._listen()
            except Exception as error:
                logger.warning(
                    "event bus reconnect failed (%s); retrying in %.1fs",
                    type(error).__name__,
                    delay,
                )
            # Jitter spreads the reconnects of many processes after a database restart.
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311
            delay = min(delay * 2, LONGEST_RETRY_SECONDS)


async def close_connection(connection: asyncpg.Connection | None) -> None:
    """Close politely within a bound; a connection that will not close is cut."""
    if connection is None:
        return
    try:
        await connection.close(timeout=CLOSE_TIMEOUT_SECONDS)
    except Exception:
        connection.terminate()

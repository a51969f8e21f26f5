"""The WebSocket connections this process serves: a cap per user, and a way to end them all."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter
from typing import Protocol

SHUTDOWN_WAIT_SECONDS = 5.0
logger = logging.getLogger(__name__)


class LiveConnection(Protocol):
    async def close_for_shutdown(self) -> None: ...
    async def finished(self) -> None: ...


class TooManyConnections(Exception):
    """The user already holds as many connections as allowed."""


class LiveConnections:
    def __init__(self, max_per_user: int, max_anonymous: int) -> None:
        self._max_per_user = max_per_user
        self._max_anonymous = max_anonymous
        self._open: set[LiveConnection] = set()
        self._users: dict[LiveConnection, uuid.UUID | None] = {}
        self._per_user: Counter[uuid.UUID | None] = Counter()
        self.open_feeds = 0

    @property
    def count(self) -> int:
        return len(self._open)

    def opened(self, connection: LiveConnection) -> None:
        self._open.add(connection)

    def admit(self, connection: LiveConnection, user_id: uuid.UUID | None) -> None:
        """Count the connection against its user (None: anonymous, all in one count); raises
        TooManyConnections over the cap."""
        if connection in self._users:
            return
        cap = self._max_per_user if user_id is not None else self._max_anonymous
        if self._per_user[user_id] >= cap:
            raise TooManyConnections
        self._users[connection] = user_id
        self._per_user[user_id] += 1

    def closed(self, connection: LiveConnection) -> None:
        self._open.discard(connection)
        if connection not in self._users:
            return
        user_id = self._users.pop(connection)
        self._per_user[user_id] -= 1
        if self._per_user[user_id] <= 0:
            del self._per_user[user_id]

    async def close_all(self) -> None:
        """Close every socket (1001, going away) and wait for its feeds to clean up."""
        connections = list(self._open)
        await asyncio.gather(
            *(connection.close_for_shutdown() for connection in connections),
            return_exceptions=True,
        )
        waits = [connection.finished() for connection in connections]
        if not waits:
            return
        try:
            async with asyncio.timeout(SHUTDOWN_WAIT_SECONDS):
                await asyncio.gather(*waits, return_exceptions=True)
        except TimeoutError:
            logger.warning("%d WebSocket connections did not end in time", self.count)

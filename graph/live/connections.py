"""The WebSocket connections this process serves: a cap per user, and a way to end them all."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Protocol

SHUTDOWN_WAIT_SECONDS = 5.0


class LiveConnection(Protocol):
    async def close_for_shutdown(self) -> None: ...
    async def finished(self) -> None: ...


class TooManyConnections(Exception):
    """The user already holds as many connections as allowed."""


class LiveConnections:
    def __init__(self, max_per_user: int) -> None:
        self._max_per_user = max_per_user
        self._open: set[LiveConnection] = set()
        self._users: dict[LiveConnection, uuid.UUID] = {}
        self._per_user: Counter[uuid.UUID] = Counter()
        self.open_feeds = 0

    @property
    def count(self) -> int:
        return len(self._open)

    def opened(self, connection: LiveConnection) -> None:
        self._open.add(connection)

    def admit(self, connection: LiveConnection, user_id: uuid.UUID) -> None:
        """Count the connection against its user; raises TooManyConnections over the cap."""
        if connection in self._users:
            return
        if self._per_user[user_id] >= self._max_per_user:
            raise TooManyConnections
        self._users[connection] = user_id
        self._per_user[user_id] += 1

    def closed(self, connection: LiveConnection) -> None:
        self._open.discard(connection)
        user_id = self._users.pop(connection, None)
        if user_id is not None:
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
        if waits:
            async with asyncio.timeout(SHUTDOWN_WAIT_SECONDS):
                await asyncio.gather(*waits, return_exceptions=True)

"""Events across processes: PostgreSQL LISTEN/NOTIFY on one channel, fanned out locally.

This process hears its own notifications too, so local and remote events share one path and
one order. Publishing only queues: a background task sends (see `sender`). A lost LISTEN
connection is reopened with backoff, then every local subscriber gets `FeedResumed` and
re-reads the store: missed wake-ups only delay a feed, never skip a row.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import make_url

from domain.events import Event, FeedResumed, Topic
from infra.events import codec
from infra.events.fan_out import DEFAULT_CAPACITY, LocalFanOut, QueuedSubscription
from infra.events.listener import NotificationListener
from infra.events.sender import NotifySender

logger = logging.getLogger(__name__)
CHANNEL = "machete_events"
# Options SQLAlchemy's asyncpg dialect understands but asyncpg.connect does not.
_SQLALCHEMY_ONLY = ("prepared_statement_cache_size", "prepared_statement_name_func")


def connect_arguments(database_url: str) -> dict[str, Any]:
    """asyncpg.connect keywords for the URL the engine uses, read the way SQLAlchemy reads it."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError(
            "the PostgreSQL event bus (MACHETE_EVENT_BUS) needs a PostgreSQL MACHETE_DATABASE_URL"
        )
    arguments: dict[str, Any] = url.translate_connect_args(username="user")
    arguments.update(url.query)
    for option in _SQLALCHEMY_ONLY:
        arguments.pop(option, None)
    return arguments


class PostgresEventBus:
    def __init__(
        self,
        database_url: str,
        capacity: int = DEFAULT_CAPACITY,
        *,
        channel: str = CHANNEL,
    ) -> None:
        self._connect = connect_arguments(database_url)
        self._fan_out = LocalFanOut(capacity)
        self._listener = NotificationListener(
            self._connect, channel, self._on_payload, self._on_resumed
        )
        # Events this process could not send still reach its own subscribers.
        self._sender = NotifySender(self._connect, channel, self._fan_out.deliver)
        self._closed = False

    @property
    def registrations(self) -> int:
        return self._fan_out.registrations

    @property
    def listener_pid(self) -> int | None:
        """The server process behind the LISTEN connection (for diagnostics and tests)."""
        return self._listener.server_pid

    def subscribe(self, topics: Sequence[Topic]) -> QueuedSubscription:
        return self._fan_out.subscribe(topics)

    def publish(self, events: Sequence[Event]) -> None:
        # Units of work may publish before start(), or without it in one-shot CLI commands:
        # the sender starts on first use.
        self._sender.enqueue(events)

    async def start(self) -> None:
        if not self._closed:
            await self._listener.start()

    async def close(self) -> None:
        """Send what is still queued (bounded), then end every subscription and disconnect."""
        self._closed = True
        await self._sender.close()
        self._fan_out.close()
        await self._listener.close()

    def _on_payload(self, payload: str) -> None:
        decoded = codec.decode(payload)
        if decoded.ignored:
            # The payload itself stays out of the log: anyone with database access can NOTIFY.
            logger.warning(
                "ignored %d unknown event(s) in a %d-byte notification",
                decoded.ignored,
                len(payload),
            )
        self._fan_out.deliver(decoded.events)

    def _on_resumed(self) -> None:
        self._fan_out.deliver([FeedResumed()])

"""One graphql-transport-ws connection, with MACHETE's rules on top of Strawberry's protocol.

- A connection whose credential expires, whose user is deactivated or signs out, is closed
  (4403): a watchdog wakes on the account's events and at the credential's expiry.
- A client that stops reading is cut off once one message waits `send_timeout` to be written,
  so it holds neither tasks nor feeds, and never slows anyone else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
)

from domain.errors import FeedClosed, FeedLagged, Unauthenticated
from domain.events import account_topic, session_topic
from graph.context import GraphQLContext
from graph.live.connections import TooManyConnections

if TYPE_CHECKING:
    from graph.router import MacheteGraphQLRouter

logger = logging.getLogger(__name__)
CLOSE_TIMEOUT_SECONDS = 2.0
RECHECK_SECONDS = 60.0
FORBIDDEN = 4403
TOO_MANY = 4429
GOING_AWAY = 1001


class LiveConnectionHandler(BaseGraphQLTransportWSHandler[GraphQLContext, None]):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context.live_connection = self
        self._main_task: asyncio.Task[Any] | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._cut_off = False
        self._done = asyncio.Event()

    @property
    def _router(self) -> MacheteGraphQLRouter:
        return self.view  # type: ignore[return-value]

    async def handle(self) -> None:
        self._main_task = asyncio.current_task()
        live = self._router.live
        live.opened(self)
        try:
            await super().handle()
        except asyncio.CancelledError:
            if not self._cut_off or self._main_task is None:
                raise
            self._main_task.uncancel()  # our own cut-off: end the connection normally
        finally:
            await self._stop_watchdog()
            live.closed(self)
            self._done.set()

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except TooManyConnections:
            await self._close(TOO_MANY, "Too many connections for this user")
            return
        watched = self._watchdog is not None or self.context.credential is None
        if self.connection_acknowledged and not watched:
            self._watchdog = asyncio.create_task(self._watch_credential())

    async def send_message(self, message: Message) -> None:
        try:
            async with asyncio.timeout(self._router.send_timeout.total_seconds()):
                await super().send_message(message)
        except TimeoutError:
            self._cut("it stopped reading")
            raise WebSocketDisconnected from None

    async def handle_task_exception(self, error: Exception) -> None:
        if isinstance(error, WebSocketDisconnected):
            return  # the peer is gone or was cut off: nothing to report
        await super().handle_task_exception(error)

    async def close_for_shutdown(self) -> None:
        await self._close(GOING_AWAY, "The server is shutting down")

    async def finished(self) -> None:
        await self._done.wait()

    async def _watch_credential(self) -> None:
        credential = self.context.credential
        assert credential is not None
        topics = [account_topic(credential.user_id)]
        if credential.session_id is not None:
            topics.append(session_topic(credential.session_id))
        while True:
            outcome = await self._wait_for_change(topics, credential.expires_at)
            if outcome == "stop":
                return
            reason = "The token has expired." if outcome == "expired" else None
            if reason is None:
                reason = await self._credential_problem()
            if reason is not None:
                await self._close(FORBIDDEN, reason[:120])
                return

    async def _credential_problem(self) -> str | None:
        if self.context.bearer is None:
            return "Signed out."
        try:
            await self.context.container.authenticator.authenticate(self.context.bearer)
        except Unauthenticated as error:
            return str(error)
        return None

    async def _wait_for_change(self, topics: list[str], expires_at: datetime | None) -> str:
        """`expired`, `recheck` (an account event, or a periodic check) or `stop`."""
        container = self.context.container
        with container.events.subscribe(topics) as changes:
            while True:
                wait = RECHECK_SECONDS
                if expires_at is not None:
                    left = (expires_at - container.clock.now()) / timedelta(seconds=1)
                    if left <= 0:
                        return "expired"
                    wait = min(wait, left)
                try:
                    async with asyncio.timeout(wait):
                        await changes.next()
                except TimeoutError:
                    if wait == RECHECK_SECONDS:
                        return "recheck"
                    continue  # the expiry: the next round says so
                except FeedLagged:
                    return "recheck"
                except FeedClosed:
                    return "stop"  # the server is stopping; the socket closes with it
                return "recheck"

    async def _stop_watchdog(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
            self._watchdog = None

    async def _close(self, code: int, reason: str) -> None:
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
                await self.websocket.close(code=code, reason=reason)
        except TimeoutError:
            self._cut("it did not take the close frame")
        except (RuntimeError, WebSocketDisconnected):
            pass  # already closed

    def _cut(self, why: str) -> None:
        if self._cut_off:
            return
        self._cut_off = True
        logger.warning("cut off a WebSocket connection: %s", why)
        if self._main_task is not None and not self._main_task.done():
            self._main_task.cancel()

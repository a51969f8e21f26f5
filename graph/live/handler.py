"""One graphql-transport-ws connection, with MACHETE's rules on top of Strawberry's protocol.

- A connection whose credential expires, whose user is deactivated, changes role or signs out,
  is closed (4403) by its `CredentialWatch`.
- A client that stops reading is cut off once one message waits `send_timeout` to be written,
  so it holds neither tasks nor feeds, and never slows anyone else.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any, Protocol, cast

from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
)

from graph.context import GraphQLContext
from graph.live.connections import LiveConnections, TooManyConnections
from graph.live.credential_watch import CredentialWatch
from graph.live.transport import abort_connection, is_disconnect

logger = logging.getLogger(__name__)
CLOSE_TIMEOUT_SECONDS = 2.0
TOO_MANY = 4429
GOING_AWAY = 1001


class LiveEndpoint(Protocol):
    """What a connection needs of the router that serves it."""

    live: LiveConnections
    send_timeout: timedelta


class LiveConnectionHandler(BaseGraphQLTransportWSHandler[GraphQLContext, None]):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context.live_connection = self
        self._main_task: asyncio.Task[Any] | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._cut_off = False
        self._done = asyncio.Event()

    @property
    def _router(self) -> LiveEndpoint:
        # Strawberry types the view as any view; ours is the router, which is a LiveEndpoint.
        return cast(LiveEndpoint, self.view)

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
            try:
                await self._stop_watchdog()
            finally:
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
            watch = CredentialWatch(self.context, self._close)
            self._watchdog = asyncio.create_task(watch.run())

    async def send_message(self, message: Message) -> None:
        try:
            async with asyncio.timeout(self._router.send_timeout.total_seconds()):
                await super().send_message(message)
        except TimeoutError:
            self._cut("it stopped reading")
            raise WebSocketDisconnected from None

    async def handle_task_exception(self, error: Exception) -> None:
        if is_disconnect(error):
            return  # the peer is gone, was cut off or was closed on: nothing to report
        await super().handle_task_exception(error)

    async def close_for_shutdown(self) -> None:
        await self._close(GOING_AWAY, "The server is shutting down")

    async def finished(self) -> None:
        await self._done.wait()

    async def _stop_watchdog(self) -> None:
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is None:
            return
        watchdog.cancel()
        # asyncio.wait, not await: this task's own cancellation must not be swallowed here.
        await asyncio.wait({watchdog})
        if not watchdog.cancelled() and watchdog.exception() is not None:
            logger.warning("a WebSocket credential watch failed", exc_info=watchdog.exception())

    async def _close(self, code: int, reason: str) -> None:
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
                await self.websocket.close(code=code, reason=reason)
        except TimeoutError:
            self._cut("it did not take the close frame")
        except Exception as error:
            if not is_disconnect(error):
                raise

    def _cut(self, why: str) -> None:
        if self._cut_off:
            return
        self._cut_off = True
        logger.warning("cut off a WebSocket connection: %s", why)
        abort_connection(self.websocket)
        if self._main_task is not None and not self._main_task.done():
            self._main_task.cancel()

"""The WebSocket's connection itself: telling a disconnect apart, and dropping it at once.

uvicorn closes a connection gracefully, which waits for its unsent data to drain; for a peer
that stopped reading that is forever, holding the socket and its buffers. `TransportAccess`, an
outermost ASGI middleware, hands the handler the server's `abort` when the server offers one.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import socket
import struct
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect
from strawberry.http.exceptions import WebSocketDisconnected

ABORT_KEY = "machete.abort_connection"


class TransportAccess:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            transport = getattr(getattr(send, "__self__", None), "transport", None)
            if isinstance(transport, asyncio.Transport):
                scope[ABORT_KEY] = functools.partial(_reset, transport)
        await self.app(scope, receive, send)


def _reset(transport: asyncio.Transport) -> None:
    # Linger 0: the kernel drops the unsent data and resets the connection, instead of keeping
    # an orphan socket that waits for a peer who never reads.
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def abort_connection(websocket: Any) -> None:
    """Drop the connection now, unsent data and all (a no-op where the server offers no way)."""
    scope = getattr(getattr(websocket, "ws", None), "scope", None) or {}
    abort: Callable[[], None] | None = scope.get(ABORT_KEY)
    if abort is not None:
        abort()


def is_disconnect(error: BaseException) -> bool:
    """The peer went away, or the socket was already closed: an ending, not a failure."""
    if isinstance(error, (WebSocketDisconnected, WebSocketDisconnect, ConnectionError)):
        return True
    return isinstance(error, RuntimeError) and "close" in str(error)

"""A small graphql-transport-ws client for the live feed tests (the protocol, not a library's)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

PROTOCOL = Subprotocol("graphql-transport-ws")
RECEIVE_TIMEOUT = 60.0

BUILD_LOG = """
subscription($id: ID!, $after: Int) {
  buildLog(buildId: $id, afterSeq: $after) {
    lines { seq stream timestamp text } lastSeq done build { id status }
  }
}"""
BUILD_UPDATED = """
subscription($id: ID!) { buildUpdated(buildId: $id) { id status startedAt finishedAt } }"""
TOOL_UPDATED = """
subscription($id: ID) { toolUpdated(toolId: $id) { id name status desiredState } }"""


class FeedSocket:
    def __init__(self, socket: websockets.ClientConnection) -> None:
        self.socket = socket
        self._next_id = 0

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(message))

    async def init(self, token: str | None) -> dict[str, Any]:
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await self.send({"type": "connection_init", "payload": payload})
        return await self.receive()

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._next_id += 1
        op_id = str(self._next_id)
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": op_id, "type": "subscribe", "payload": payload})
        return op_id

    async def receive(self, within: float = RECEIVE_TIMEOUT) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(self.socket.recv(), within))

    async def results(self, op_id: str) -> AsyncIterator[dict[str, Any]]:
        """Each `next` payload of the operation, until it completes; errors fail the test."""
        while True:
            message = await self.receive()
            if message.get("id") != op_id:
                continue
            if message["type"] == "complete":
                return
            assert message["type"] == "next", message
            assert "errors" not in message["payload"], message
            yield message["payload"]["data"]

    async def first_message_of(self, op_id: str) -> dict[str, Any]:
        while True:
            message = await self.receive()
            if message.get("id") == op_id:
                return message

    async def close_code(self, within: float = RECEIVE_TIMEOUT) -> int | None:
        """Read until the server closes the socket; its close code."""
        try:
            async with asyncio.timeout(within):
                while True:
                    await self.socket.recv()
        except ConnectionClosed:
            return self.socket.close_code
        raise AssertionError("the socket stayed open")


@asynccontextmanager
async def feed_socket(
    url: str, token: str | None = None, **options: Any
) -> AsyncIterator[FeedSocket]:
    """A connected, initialised socket (no init when `token` is the string "skip")."""
    async with websockets.connect(url, subprotocols=[PROTOCOL], **options) as socket:
        feed = FeedSocket(socket)
        if token != "skip":
            ack = await feed.init(token)
            assert ack["type"] == "connection_ack", ack
        yield feed


async def stored_log(api: Any, build_id: str) -> list[dict[str, Any]]:
    """Every stored line of a build, over HTTP, page by page."""
    from tests.e2e.tools import LOG_LINES

    lines: list[dict[str, Any]] = []
    while True:
        page = (await api.run(LOG_LINES, {"id": build_id, "after": len(lines)}))["build"]
        if not page["logLines"]:
            return lines
        lines.extend(page["logLines"])

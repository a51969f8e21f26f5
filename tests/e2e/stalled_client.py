"""A WebSocket client that subscribes and then never reads again: a raw socket with a tiny
receive buffer, driven by the `websockets` protocol machine by hand (a library connection
would keep reading in the background)."""

from __future__ import annotations

import json
import socket
from typing import Any

from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

from tests.e2e.live import PROTOCOL

RECEIVE_BUFFER = 4096


class StalledClient:
    def __init__(self, url: str, port: int) -> None:
        self.protocol = ClientProtocol(parse_uri(url), subprotocols=[Subprotocol(PROTOCOL)])
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        self.socket.settimeout(30)
        self.socket.connect(("127.0.0.1", port))
        self._events: list[object] = []

    def open(self, token: str) -> None:
        """Handshake and `connection_init` up to the ack (blocking)."""
        self.protocol.send_request(self.protocol.connect())
        self._flush()
        while self.protocol.state is not State.OPEN:
            self._pump()
        self.send({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        while not any(message.get("type") == "connection_ack" for message in self._texts()):
            self._pump()

    def send(self, message: dict[str, Any]) -> None:
        self.protocol.send_text(json.dumps(message).encode())
        self._flush()

    def read_to_the_end(self) -> tuple[list[dict[str, Any]], bool]:
        """Everything left on the socket; and whether a close frame came (a clean close)."""
        closed_cleanly = False
        messages = self._texts()
        while True:
            try:
                data = self.socket.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not data:
                break
            self.protocol.receive_data(data)
            for event in self.protocol.events_received():
                if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                    messages.append(json.loads(bytes(event.data)))
                elif isinstance(event, Frame) and event.opcode is Opcode.CLOSE:
                    closed_cleanly = True
        self.socket.close()
        return messages, closed_cleanly

    def established(self) -> bool:
        """Whether the kernel still holds this connection open (Linux: /proc/net/tcp)."""
        row = self._kernel_row()
        return row is not None and row[3] == "01"

    def unread_bytes(self) -> int:
        """What the kernel holds for this socket that it never read."""
        row = self._kernel_row()
        return int(row[4].split(":")[1], 16) if row is not None else 0

    def _kernel_row(self) -> list[str] | None:
        port = f"{self.socket.getsockname()[1]:04X}"
        with open("/proc/net/tcp") as table:
            rows = [line.split() for line in table.readlines()[1:]]
        return next((row for row in rows if row[1].endswith(f":{port}")), None)

    def _pump(self) -> None:
        data = self.socket.recv(65536)
        assert data, "the server closed the connection"
        self.protocol.receive_data(data)
        self._events.extend(self.protocol.events_received())

    def _texts(self) -> list[dict[str, Any]]:
        texts = [
            json.loads(bytes(event.data))
            for event in self._events
            if isinstance(event, Frame) and event.opcode is Opcode.TEXT
        ]
        self._events.clear()
        return texts

    def _flush(self) -> None:
        self.socket.sendall(b"".join(self.protocol.data_to_send()))

"""Helpers for event bus tests: bounded waits, a raw LISTEN connection, a server that stalls."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field

import asyncpg

from domain.events import Event
from domain.ports.events import EventSubscription
from infra.events.postgres import CHANNEL, connect_arguments

HANG_GUARD_SECONDS = 30


async def next_event(feed: EventSubscription) -> Event:
    async with asyncio.timeout(HANG_GUARD_SECONDS):
        return await feed.next()


@dataclass
class HeardPayloads:
    payloads: list[str] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def hear(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        self.payloads.append(payload)
        self.arrived.set()

    def drain(self) -> list[str]:
        heard, self.payloads = self.payloads, []
        self.arrived.clear()
        return heard

    async def next(self) -> str:
        async with asyncio.timeout(HANG_GUARD_SECONDS):
            while not self.payloads:
                self.arrived.clear()
                await self.arrived.wait()
        return self.payloads.pop(0)

    async def next_matching(self, wanted: Callable[[str], bool]) -> str:
        """The next payload `wanted` accepts; earlier ones (other changes' news) are skipped."""
        async with asyncio.timeout(HANG_GUARD_SECONDS):
            while not wanted(payload := await self.next()):
                pass
        return payload


@asynccontextmanager
async def raw_listener(database_url: str) -> AsyncIterator[HeardPayloads]:
    """What any third process listening on the channel sees: the payloads, verbatim."""
    connection = await asyncpg.connect(**connect_arguments(database_url))
    heard = HeardPayloads()
    try:
        await connection.add_listener(CHANNEL, heard.hear)
        yield heard
    finally:
        await connection.close()


@dataclass
class SilentServer:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""

    port: int
    connected: threading.Event


@contextmanager
def silent_server() -> Iterator[SilentServer]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)  # so the thread notices when the test is over
    accepted: list[socket.socket] = []
    over = threading.Event()
    server = SilentServer(listener.getsockname()[1], threading.Event())

    def accept() -> None:
        while not over.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(connection)
            server.connected.set()

    # A thread, so it accepts even while the test blocks (waiting for a subprocess).
    thread = threading.Thread(target=accept, name="silent server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        over.set()
        thread.join(timeout=HANG_GUARD_SECONDS)
        listener.close()
        for connection in accepted:
            connection.close()


def silent_postgres_url(server: SilentServer) -> str:
    return f"postgresql+asyncpg://postgres@127.0.0.1:{server.port}/machete"


class CuttingProxy:
    """A TCP proxy to PostgreSQL that can silently cut the connections it carries.

    A cut connection looks alive until the client uses it: its next request is answered by a
    reset, like a connection a restart or a firewall dropped while it sat idle in a pool.
    """

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._cut: set[asyncio.StreamWriter] = set()
        self._clients: set[asyncio.StreamWriter] = set()
        self.connections = 0

    def cut_every_connection(self) -> None:
        self._cut |= self._clients

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._clients.add(writer)
        up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        try:
            await asyncio.gather(
                self._pump(reader, up_writer, cut_when_used=writer),
                self._pump(up_reader, writer),
            )
        finally:
            self._clients.discard(writer)
            up_writer.close()
            writer.close()

    async def _pump(
        self,
        source: asyncio.StreamReader,
        target: asyncio.StreamWriter,
        cut_when_used: asyncio.StreamWriter | None = None,
    ) -> None:
        while data := await source.read(65536):
            if cut_when_used is not None and cut_when_used in self._cut:
                cut_when_used.transport.abort()
                target.transport.abort()
                return
            target.write(data)
            await target.drain()
        target.close()


@asynccontextmanager
async def cutting_proxy(database_url: str) -> AsyncIterator[tuple[CuttingProxy, str]]:
    """The proxy, and `database_url` rewritten to reach the database through it."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    proxy = CuttingProxy(url.host or "127.0.0.1", url.port or 5432)
    server = await asyncio.start_server(proxy._serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield proxy, url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    finally:
        server.close()
        for writer in list(proxy._clients):
            writer.transport.abort()
        await server.wait_closed()

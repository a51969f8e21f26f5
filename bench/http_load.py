"""A small HTTP/1.1 load generator on raw asyncio (httpx tops out near 350 requests/s here).

`run_load(target, connections, seconds, max_requests)` keeps `connections` clients busy, each
sending one GET at a time and reading its answer to the end (Content-Length, or the end of
the connection), until the time is up or `max_requests` were sent, and returns every
latency. A keep-alive target reuses each connection; a `fresh_connections` target opens one
per request and asks the server to close it (busybox httpd closes every connection anyway),
the connect then counting in the latency. Loopback targets only: the bench names 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import cast

HEAD_END = b"\r\n\r\n"
# A request still unanswered this long after the run's time is up counts as an error.
STUCK_SECONDS = 10.0


@dataclass(frozen=True)
class Target:
    port: int
    host_header: str
    path: str = "/"
    headers: tuple[tuple[str, str], ...] = ()
    fresh_connections: bool = False
    address: str = "127.0.0.1"

    def request_bytes(self) -> bytes:
        lines = [f"GET {self.path} HTTP/1.1", f"Host: {self.host_header}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        if self.fresh_connections:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class LoadResult:
    seconds: float
    latencies_ns: list[int] = field(default_factory=list)  # successful requests, sorted
    errors: int = 0
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return len(self.latencies_ns)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def percentile_ms(self, q: float) -> float:
        """Nearest-rank percentile (q in 0..100) of the successful requests, in ms."""
        if not self.latencies_ns:
            return float("nan")
        rank = max(1, min(len(self.latencies_ns), round(q / 100 * len(self.latencies_ns) + 0.5)))
        return self.latencies_ns[rank - 1] / 1e6


class ResponseError(Exception):
    """The server's answer could not be read as a complete HTTP/1.1 response."""


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection with at most one request in flight."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._waiter: asyncio.Future[int] | None = None
        self._status = 0
        self._body_start = -1
        self._length: int | None = None  # None: the body runs to the end of the connection
        self.server_closes = False
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)

    def send(self, request: bytes) -> asyncio.Future[int]:
        """Send a request; the future holds the answer's status once it is read whole."""
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self._body_start, self._length = -1, None
        self.transport.write(request)
        return self._waiter

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._body_start < 0:
            end = self._buffer.find(HEAD_END)
            if end < 0:
                return
            try:
                self._read_head(bytes(self._buffer[:end]))
            except (ResponseError, ValueError) as error:
                self._finish(ResponseError(str(error)))
                assert self.transport is not None
                self.transport.close()
                return
            self._body_start = end + len(HEAD_END)
        if self._length is not None and len(self._buffer) >= self._body_start + self._length:
            del self._buffer[: self._body_start + self._length]
            self._finish(None)

    def eof_received(self) -> bool | None:
        self._closed()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed()

    def _read_head(self, head: bytes) -> None:
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise ResponseError(f"not an HTTP/1.1 status line: {lines[0][:80]!r}")
        self._status = int(parts[1])
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                self._length = int(value)
            elif name == b"transfer-encoding" and value != b"identity":
                raise ResponseError("chunked answers are not supported by this client")
            elif name == b"connection" and value == b"close":
                self.server_closes = True

    def _closed(self) -> None:
        self.lost = True
        complete = self._body_start >= 0 and self._length is None
        self._finish(None if complete else ResponseError("the server closed the connection"))

    def _finish(self, error: Exception | None) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is None or waiter.done():
            return
        if error is None:
            waiter.set_result(self._status)
        else:
            waiter.set_exception(error)


async def _connect(target: Target) -> _Connection:
    loop = asyncio.get_running_loop()
    _, connection = await loop.create_connection(_Connection, target.address, target.port)
    return connection


async def _client(target: Target, deadline: float, budget: list[int], result: LoadResult) -> None:
    """One simulated client: requests one after another until the deadline or the budget."""
    request = target.request_bytes()
    connection: _Connection | None = None
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            started = time.perf_counter_ns()
            try:
                if connection is None or connection.lost:
                    connection = await _connect(target)
                status = await connection.send(request)
            except (OSError, ResponseError, ValueError):
                result.errors += 1
                _close(connection)
                connection = None
                continue
            except asyncio.CancelledError:
                result.errors += 1  # stuck past the run's time limit
                raise
            elapsed = time.perf_counter_ns() - started
            result.statuses[status] += 1
            if status == 200:
                result.latencies_ns.append(elapsed)
            else:
                result.errors += 1
            if target.fresh_connections or connection.server_closes:
                _close(connection)
                connection = None
    finally:
        _close(connection)


def _close(connection: _Connection | None) -> None:
    if connection is not None and connection.transport is not None:
        connection.transport.close()


async def run_load(
    target: Target, *, connections: int, seconds: float, max_requests: int
) -> LoadResult:
    """Load `target` with `connections` concurrent clients for at most `seconds` and at most
    `max_requests` requests; the result's time is the wall time until the last answer."""
    budget = [max_requests]
    result = LoadResult(seconds=0.0)
    started = time.perf_counter()
    deadline = started + seconds
    # No timer per request (it would cost as much as the request): a request still
    # unanswered this long after the end is cancelled and counted as an error.
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds + STUCK_SECONDS), asyncio.TaskGroup() as clients:
            for _ in range(connections):
                clients.create_task(_client(target, deadline, budget, result))
    result.seconds = time.perf_counter() - started
    result.latencies_ns.sort()
    return result

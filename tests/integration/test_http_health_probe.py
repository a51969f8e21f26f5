"""HttpxHealthProbe against real HTTP servers on 127.0.0.1, started by the tests themselves."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from infra.health.http_probe import HttpxHealthProbe

RESPONSES = {
    "/health": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
    "/broken": b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    "/moved": b"HTTP/1.1 302 Found\r\nLocation: /health\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
}


async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Serve RESPONSES by path; `/silent` never answers, `/dribble` never finishes."""
    request_line = (await reader.readline()).decode()
    path = request_line.split(" ")[1] if " " in request_line else "/"
    try:
        if path == "/silent":
            await asyncio.sleep(30)
        elif path == "/dribble":
            writer.write(b"HTTP/1.1 200 OK\r\n")
            for index in range(100):
                writer.write(f"X-Slow-{index}: 1\r\n".encode())
                await writer.drain()
                await asyncio.sleep(0.1)
        else:
            writer.write(RESPONSES.get(path, RESPONSES["/broken"]))
            await writer.drain()
    finally:
        writer.close()


@pytest.fixture
async def server_url() -> AsyncIterator[str]:
    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()


def unused_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_a_200_answer_is_healthy_with_its_latency(server_url: str) -> None:
    result = await HttpxHealthProbe().check(f"{server_url}/health", 5)
    assert result.healthy
    assert result.status_code == 200
    assert result.error is None
    assert result.latency_ms is not None and 0 <= result.latency_ms < 5000


async def test_a_500_answer_is_unhealthy_with_its_status_code(server_url: str) -> None:
    result = await HttpxHealthProbe().check(f"{server_url}/broken", 5)
    assert not result.healthy
    assert result.status_code == 500
    assert result.error == "HTTP status 500"


async def test_a_redirect_is_not_followed_and_counts_as_unhealthy(server_url: str) -> None:
    result = await HttpxHealthProbe().check(f"{server_url}/moved", 5)
    assert not result.healthy
    assert result.status_code == 302


async def test_a_closed_port_is_unhealthy_with_a_short_error() -> None:
    result = await HttpxHealthProbe().check(f"http://127.0.0.1:{unused_loopback_port()}/", 5)
    assert not result.healthy
    assert result.status_code is None
    assert result.error == "connection failed"


async def test_a_server_that_never_answers_is_unhealthy_within_the_timeout(
    server_url: str,
) -> None:
    started = time.monotonic()
    result = await HttpxHealthProbe().check(f"{server_url}/silent", 0.5)
    elapsed = time.monotonic() - started

    assert not result.healthy
    assert result.error == "no answer within 0.5s"
    assert 0.4 < elapsed < 2


async def test_a_server_that_keeps_sending_headers_is_cut_off_at_the_total_timeout(
    server_url: str,
) -> None:
    started = time.monotonic()
    result = await HttpxHealthProbe().check(f"{server_url}/dribble", 0.5)
    assert not result.healthy
    assert result.error == "no answer within 0.5s"
    assert time.monotonic() - started < 2


NOT_LOOPBACK = "health checks only reach loopback addresses"


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://10.1.2.3/", NOT_LOOPBACK),
        ("http://127.0.0.1@10.1.2.3/health", NOT_LOOPBACK),
        ("http://example.com/health", NOT_LOOPBACK),
        ("http://2130706433/", NOT_LOOPBACK),
        ("file:///etc/passwd", "health checks use http or https only"),
        ("http://[::1", "invalid health check URL"),
    ],
)
async def test_a_url_outside_loopback_is_refused_without_any_connection_attempt(
    monkeypatch: pytest.MonkeyPatch, url: str, error: str
) -> None:
    attempts: list[object] = []

    async def record_send(self: httpx.AsyncClient, request: httpx.Request, **_: object) -> None:
        attempts.append(request)
        raise AssertionError("the probe tried to send a request")

    monkeypatch.setattr(httpx.AsyncClient, "send", record_send)
    started = time.monotonic()
    result = await HttpxHealthProbe().check(url, 5)

    assert not result.healthy
    assert result.error == error
    assert attempts == []
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("host", ["localhost", "[::1]"])
async def test_loopback_names_are_allowed(host: str) -> None:
    # Nothing listens there: the point is that the probe tried, instead of refusing.
    result = await HttpxHealthProbe().check(f"http://{host}:{unused_loopback_port()}/", 2)
    assert result.error in {"connection failed", "no answer within 2s"}


async def test_proxies_from_the_environment_are_ignored(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead_proxy = f"http://127.0.0.1:{unused_loopback_port()}"
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, dead_proxy)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)

    result = await HttpxHealthProbe().check(f"{server_url}/health", 5)
    assert result.healthy

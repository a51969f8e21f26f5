"""The echo and WebSocket echo fixture tools, built from their repositories and run on the real
Docker engine (host network, loopback port, read-only root, no capabilities), so the gateway's
end-to-end tests can trust what they report."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import docker
import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from domain.containers import ContainerSpec, ImageBuild, NetworkMode, container_name
from infra.docker.engine import DockerContainerEngine
from tests.fixtures.echo_tools import (
    EchoedRequest,
    large_body,
    make_echo_tool_repo,
    make_websocket_echo_tool_repo,
)
from tests.fixtures.repos import ToolRepo, git
from tests.integration.docker_helpers import (
    LineRecorder,
    docker_client_or_unavailable,
    free_loopback_port,
    get_when_served,
    removed_afterwards,
    tool_build_labels,
    unique_tool_name,
)

pytestmark = pytest.mark.docker
ECHO_CONTENT = 'echo "one" \\ two'
WEBSOCKET_CONTENT = "websocket echo one"


@pytest.fixture(scope="module")
def client() -> Iterator[docker.DockerClient]:
    docker_client = docker_client_or_unavailable()
    yield docker_client
    docker_client.close()


@pytest.fixture(scope="module")
def engine(client: docker.DockerClient) -> Iterator[DockerContainerEngine]:
    docker_engine = DockerContainerEngine()
    yield docker_engine
    docker_engine.close()


@dataclass(frozen=True)
class ServedTool:
    base_url: str
    spec: ContainerSpec


def spec_on_port(spec: ContainerSpec, port: int, name: str | None = None) -> ContainerSpec:
    return replace(
        spec,
        name=name or spec.name,
        container_port=port,
        host_port=port,
        environment={"PORT": str(port)},
    )


async def run_until_healthy(engine: DockerContainerEngine, spec: ContainerSpec) -> str:
    await engine.run_container(spec)
    base_url = f"http://127.0.0.1:{spec.host_port}"
    health = await get_when_served(f"{base_url}/health")
    assert health.status_code == 200, health.text
    return base_url


async def serve(
    engine: DockerContainerEngine, repo: ToolRepo, workspace: Path, name: str
) -> ServedTool:
    """Build the repository's committed files (a fresh clone) and run them as MACHETE would, with a
    read-only root, once `/health` answers."""
    checkout = workspace / "checkout"
    git("clone", "--quiet", repo.url, str(checkout), cwd=workspace)
    tag, labels = tool_build_labels(name)
    await engine.build_image(ImageBuild(checkout, tag, labels), LineRecorder())
    port = free_loopback_port()
    spec = ContainerSpec(
        name=container_name(name),
        image=tag,
        labels=labels,
        container_port=port,
        host_port=port,
        network_mode=NetworkMode.HOST,
        environment={"PORT": str(port)},
        read_only_root=True,
    )
    return ServedTool(await run_until_healthy(engine, spec), spec)


async def stop_seconds_with_a_request_in_flight(
    engine: DockerContainerEngine, tool: ServedTool, path: str
) -> tuple[float, BaseException | httpx.Response]:
    """Run a second container of the tool, start a request that lasts, stop the container: how
    long the stop took, and what became of the request."""
    port = free_loopback_port()
    spec = spec_on_port(tool.spec, port, name=f"{tool.spec.name}-stopped")
    base_url = await run_until_healthy(engine, spec)
    try:
        async with httpx.AsyncClient(trust_env=False, timeout=30) as http:
            in_flight = asyncio.create_task(http.get(f"{base_url}{path}"))
            await asyncio.sleep(0.5)
            started = time.monotonic()
            await engine.stop_container(spec.name, timeout_seconds=10)
            elapsed = time.monotonic() - started
            outcome = (await asyncio.gather(in_flight, return_exceptions=True))[0]
    finally:
        await engine.remove_container(spec.name)
    return elapsed, outcome


@pytest.fixture(scope="module")
async def served_echo_tool(
    client: docker.DockerClient,
    engine: DockerContainerEngine,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[ServedTool]:
    name = unique_tool_name("echo-fixture")
    workspace = tmp_path_factory.mktemp("echo-tool")
    repo = make_echo_tool_repo(workspace / "repo", name=name, content=ECHO_CONTENT)
    with removed_afterwards(client, name):
        yield await serve(engine, repo, workspace, name)


@pytest.fixture(scope="module")
async def served_websocket_tool(
    client: docker.DockerClient,
    engine: DockerContainerEngine,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[ServedTool]:
    name = unique_tool_name("ws-fixture")
    workspace = tmp_path_factory.mktemp("websocket-tool")
    repo = make_websocket_echo_tool_repo(workspace / "repo", name=name, content=WEBSOCKET_CONTENT)
    with removed_afterwards(client, name):
        yield await serve(engine, repo, workspace, name)


@pytest.fixture(scope="module")
def echo_tool(served_echo_tool: ServedTool) -> str:
    return served_echo_tool.base_url


@pytest.fixture(scope="module")
def websocket_tool(served_websocket_tool: ServedTool) -> str:
    return served_websocket_tool.base_url


async def echoed(response: httpx.Response) -> EchoedRequest:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    document: EchoedRequest = json.loads(response.content)
    return document


# The HTTP echo tool.


async def test_the_echo_tool_reports_every_header_it_received_with_the_body_and_the_address(
    echo_tool: str,
) -> None:
    body = os.urandom(4096)
    sent = {
        "Host": "echo.localhost:8000",
        "Authorization": "Bearer machete-token",
        "Cookie": 'machete_session=abc; theme="dark"',
        "X-Machete-User": "ada@example.com",
        "X-Machete-Role": "VIEWER",
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Proto": "https",
        "Content-Type": "application/octet-stream",
    }
    async with httpx.AsyncClient(trust_env=False) as http:
        response = await http.post(f"{echo_tool}/cgi-bin/echo", content=body, headers=sent)
    request = await echoed(response)
    for header, value in sent.items():
        assert request["headers"][header.lower()] == value
    assert request["headers"]["content-length"] == str(len(body))
    assert request["method"] == "POST"
    assert request["body_bytes"] == len(body)
    assert request["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert request["remote_addr"] == "127.0.0.1"
    assert 0 < request["remote_port"] < 65536
    assert request["protocol"] == "HTTP/1.1"
    assert request["content"] == ECHO_CONTENT


async def test_the_echo_reports_headers_that_were_not_sent_as_absent(echo_tool: str) -> None:
    async with httpx.AsyncClient(trust_env=False) as http:
        request = await echoed(await http.get(f"{echo_tool}/cgi-bin/echo"))
    assert not {"authorization", "cookie", "x-machete-user"} & request["headers"].keys()
    assert request["body_bytes"] == 0
    assert request["body_sha256"] == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
async def test_the_echo_reports_any_method_with_its_further_path_and_raw_query(
    echo_tool: str, method: str
) -> None:
    async with httpx.AsyncClient(trust_env=False) as http:
        response = await http.request(method, f"{echo_tool}/cgi-bin/echo/a/b?x=1&y=%22&z")
    request = await echoed(response)
    assert request["method"] == method
    assert request["uri"] == "/cgi-bin/echo/a/b?x=1&y=%22&z"
    assert request["path"] == "/cgi-bin/echo/a/b"
    assert request["query"] == "x=1&y=%22&z"


async def test_header_names_spelt_with_other_separators_read_as_the_real_one(
    echo_tool: str,
) -> None:
    """What a CGI-style tool believes: the gateway must strip these spellings too."""
    async with httpx.AsyncClient(trust_env=False) as http:
        for forged in ("X_Machete_User", "x.machete.user"):
            response = await http.get(f"{echo_tool}/cgi-bin/echo", headers={forged: "forged"})
            assert (await echoed(response))["headers"]["x-machete-user"] == "forged"


async def test_each_header_name_appears_once_even_when_spellings_collide(echo_tool: str) -> None:
    headers = [("Content_Type", "forged/type"), ("Content-Type", "text/plain"), ("X-Dup", "1")]
    headers.append(("X-Dup", "2"))
    async with httpx.AsyncClient(trust_env=False) as http:
        response = await http.post(f"{echo_tool}/cgi-bin/echo", content=b"x", headers=headers)
    pairs = json.loads(response.content, object_pairs_hook=list)
    names = [name for name, _ in dict(pairs)["headers"]]
    assert len(names) == len(set(names))
    request = await echoed(response)
    assert request["headers"]["content-type"] == "text/plain"
    assert request["headers"]["x-dup"] == "2"


async def test_the_echo_is_blind_to_basic_credentials_and_the_headers_httpd_keeps(
    echo_tool: str, websocket_tool: str
) -> None:
    """So a test that must prove those absent asks the WebSocket tool's /request-head."""
    kept = {
        "Authorization": "Basic dXNlcjpwYXNzd29yZA==",
        "Range": "bytes=0-1",
        "Accept-Encoding": "gzip",
        "If-None-Match": '"etag"',
    }
    async with httpx.AsyncClient(trust_env=False) as http:
        request = await echoed(await http.get(f"{echo_tool}/cgi-bin/echo", headers=kept))
        head = (await http.get(f"{websocket_tool}/request-head", headers=kept)).text
    assert not {name.lower() for name in kept} & request["headers"].keys()
    for name, value in kept.items():
        assert f"{name}: {value}\r\n".lower() in head.lower()


async def test_header_values_with_quotes_backslashes_tabs_and_high_bytes_stay_valid_json(
    echo_tool: str,
) -> None:
    tricky = b'say "hi" \\ then\ttab and caf\xe9 \xc3\xa9 {"x": [1]}'
    async with httpx.AsyncClient(trust_env=False) as http:
        response = await http.get(f"{echo_tool}/cgi-bin/echo", headers={b"X-Tricky": tricky})
    request = await echoed(response)
    # Each byte above 127 comes back as \u00XX: the value reads as its bytes taken as Latin-1.
    assert request["headers"]["x-tricky"] == tricky.decode("latin-1")


async def test_a_large_request_body_reaches_the_tool_whole(echo_tool: str) -> None:
    body = os.urandom(5 * 1024 * 1024 + 3)
    async with httpx.AsyncClient(trust_env=False, timeout=30) as http:
        request = await echoed(await http.post(f"{echo_tool}/cgi-bin/echo", content=body))
    assert request["body_bytes"] == len(body)
    assert request["body_sha256"] == hashlib.sha256(body).hexdigest()


async def test_the_large_endpoint_answers_the_size_asked_with_its_content_length(
    echo_tool: str,
) -> None:
    size = 3 * 1024 * 1024 + 5
    # A connection of its own per request: httpd may close one after a CGI answer, and a
    # second request on it would find it gone.
    no_reuse = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(trust_env=False, timeout=30, limits=no_reuse) as http:
        response = await http.get(f"{echo_tool}/cgi-bin/large", params={"bytes": size})
        default = await http.get(f"{echo_tool}/cgi-bin/large")
    assert response.status_code == 200
    assert response.headers["content-length"] == str(size)
    assert response.content == large_body(size)
    assert default.content == large_body(1024 * 1024)


async def test_the_slow_endpoint_answers_after_the_time_asked_and_several_wait_side_by_side(
    echo_tool: str,
) -> None:
    async with httpx.AsyncClient(trust_env=False, timeout=10) as http:
        started = time.monotonic()
        responses = await asyncio.gather(
            *(http.get(f"{echo_tool}/cgi-bin/slow", params={"seconds": "1.5"}) for _ in range(3))
        )
        elapsed = time.monotonic() - started
    assert 1.5 <= elapsed < 2.5
    for response in responses:
        assert response.status_code == 200
        assert response.json() == {"slept": 1.5, "content": ECHO_CONTENT}


@pytest.mark.parametrize(
    "query",
    ["seconds=61", "seconds=-1", "seconds=abc", "seconds=1.", "seconds=01", "seconds=1;id"],
)
async def test_the_slow_endpoint_refuses_a_bad_duration(echo_tool: str, query: str) -> None:
    async with httpx.AsyncClient(trust_env=False) as http:
        response = await http.get(f"{echo_tool}/cgi-bin/slow?{query}")
    assert response.status_code == 400
    assert response.json() == {"error": "seconds must be a number from 0 to 60"}


async def test_the_event_stream_delivers_each_event_when_it_is_due(echo_tool: str) -> None:
    arrivals: list[tuple[float, str]] = []
    async with httpx.AsyncClient(trust_env=False, timeout=10) as http:
        started = time.monotonic()
        params = {"count": "3", "interval": "0.4"}
        async with http.stream("GET", f"{echo_tool}/cgi-bin/events", params=params) as response:
            assert response.headers["content-type"] == "text/event-stream"
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    arrivals.append((time.monotonic() - started, line.removeprefix("data: ")))
    assert [data for _, data in arrivals] == ["1", "2", "3"]
    assert arrivals[0][0] < 0.4 <= arrivals[1][0] < 0.8 <= arrivals[2][0]


async def test_the_echo_tool_serves_its_content_and_health(echo_tool: str) -> None:
    async with httpx.AsyncClient(trust_env=False) as http:
        index = await http.get(f"{echo_tool}/")
        health = await http.get(f"{echo_tool}/health")
    assert index.text == f"{ECHO_CONTENT}\n"
    assert health.status_code == 200
    assert health.json() == {"status": "healthy"}


# The WebSocket echo tool.


def websocket_url(base_url: str, path: str = "/ws") -> str:
    return base_url.replace("http://", "ws://", 1) + path


async def test_the_websocket_tool_echoes_three_text_messages_and_closes_cleanly(
    websocket_tool: str,
) -> None:
    messages = ["hello", 'wörld ✓ with "quotes" and \\', "third " * 20]
    async with connect(websocket_url(websocket_tool), open_timeout=5) as websocket:
        for message in messages:
            await websocket.send(message)
            assert await asyncio.wait_for(websocket.recv(), timeout=5) == message
    assert websocket.close_code == 1000
    assert websocket.response is not None
    assert websocket.response.status_code == 101


async def test_the_websocket_tool_echoes_long_and_binary_messages_and_answers_pings(
    websocket_tool: str,
) -> None:
    long_text = "x" * 126 + "y" * 3000  # a 16-bit extended length
    async with connect(websocket_url(websocket_tool, "/"), open_timeout=5) as websocket:
        await websocket.send(long_text)
        assert await asyncio.wait_for(websocket.recv(), timeout=5) == long_text
        await websocket.send(bytes(range(256)))
        assert await asyncio.wait_for(websocket.recv(), timeout=5) == bytes(range(256))
        await websocket.send("")
        assert await asyncio.wait_for(websocket.recv(), timeout=5) == ""
        pong = await websocket.ping(b"are you there")
        await asyncio.wait_for(pong, timeout=5)


async def test_the_websocket_tool_serves_connections_side_by_side(websocket_tool: str) -> None:
    async def conversation(number: int) -> list[str]:
        async with connect(websocket_url(websocket_tool), open_timeout=5) as websocket:
            replies = []
            for turn in range(3):
                await websocket.send(f"client {number} turn {turn}")
                replies.append(str(await asyncio.wait_for(websocket.recv(), timeout=5)))
            return replies

    results = await asyncio.gather(*(conversation(number) for number in range(4)))
    assert results == [[f"client {n} turn {t}" for t in range(3)] for n in range(4)]


async def test_a_frame_longer_than_65535_bytes_is_refused_with_a_close(
    websocket_tool: str,
) -> None:
    async with connect(websocket_url(websocket_tool), open_timeout=5) as websocket:
        await websocket.send("z" * 65536)
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(websocket.recv(), timeout=5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009


async def test_the_websocket_tool_answers_plain_http_for_health_content_and_unknown_paths(
    websocket_tool: str,
) -> None:
    async with httpx.AsyncClient(trust_env=False) as http:
        health = await http.get(f"{websocket_tool}/health")
        index = await http.get(f"{websocket_tool}/")
        unknown = await http.get(f"{websocket_tool}/nothing-here")
        upgrade_without_key = await http.get(
            f"{websocket_tool}/ws", headers={"Upgrade": "websocket", "Connection": "Upgrade"}
        )
    assert health.status_code == 200
    assert health.json() == {"status": "healthy"}
    assert index.text == f"{WEBSOCKET_CONTENT}\n"
    assert unknown.status_code == 404
    assert upgrade_without_key.status_code == 400


async def test_the_request_head_comes_back_byte_for_byte(websocket_tool: str) -> None:
    head = (
        b"GET /request-head?x=1 HTTP/1.1\r\n"
        b"Host: ws.localhost\r\n"
        b"X_Machete_User: spelt-with-underscores\r\n"
        b"x-machete-role:  ADMIN \r\n"
        b"Cookie: a=b\r\n"
        b"\r\n"
    )
    port = int(websocket_tool.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), timeout=5)
    finally:
        writer.close()
        await writer.wait_closed()
    status, _, body = answer.partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 200 OK\r\n")
    assert f"Content-Length: {len(head)}".encode() in status
    assert body == head


# Both stop at once: a request in flight fails instead of delaying the stop by docker's timeout.


async def test_the_echo_tool_stops_at_once_cutting_off_a_request_in_flight(
    engine: DockerContainerEngine, served_echo_tool: ServedTool
) -> None:
    elapsed, outcome = await stop_seconds_with_a_request_in_flight(
        engine, served_echo_tool, "/cgi-bin/slow?seconds=5"
    )
    assert elapsed < 3
    assert isinstance(outcome, httpx.TransportError)


async def test_the_websocket_tool_stops_at_once_closing_an_open_connection(
    engine: DockerContainerEngine, served_websocket_tool: ServedTool
) -> None:
    port = free_loopback_port()
    spec = spec_on_port(
        served_websocket_tool.spec, port, name=f"{served_websocket_tool.spec.name}-stopped"
    )
    base_url = await run_until_healthy(engine, spec)
    try:
        async with connect(websocket_url(base_url), open_timeout=5) as websocket:
            await websocket.send("before the stop")
            assert await asyncio.wait_for(websocket.recv(), timeout=5) == "before the stop"
            started = time.monotonic()
            await engine.stop_container(spec.name, timeout_seconds=10)
            assert time.monotonic() - started < 3
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(websocket.recv(), timeout=5)
    finally:
        await engine.remove_container(spec.name)

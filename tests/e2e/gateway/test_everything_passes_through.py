"""What passes through the gateway to a tool: WebSockets, server-sent events, large bodies, the
real client address; and what a tool cannot reach: the gateway's admin API."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import AsyncIterator

import docker
import pytest
import websockets

from tests.e2e.gateway.servers import GatewayServer
from tests.e2e.gateway.world import GatewayWorld
from tests.e2e.tools import unique_name
from tests.fixtures.echo_tools import (
    large_body,
    make_echo_tool_repo,
    make_websocket_echo_tool_repo,
)

pytestmark = [pytest.mark.timeout(300), pytest.mark.docker]


@pytest.fixture(scope="module")
async def tools(
    world: GatewayWorld, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[dict[str, dict]]:
    root = tmp_path_factory.mktemp("through")
    echo_name, ws_name = unique_name("through"), unique_name("sockets")
    echo = make_echo_tool_repo(root / echo_name, name=echo_name)
    sockets = make_websocket_echo_tool_repo(root / ws_name, name=ws_name)
    installed = {
        "echo": await world.install_running(echo.url, echo_name),
        "websocket": await world.install_running(sockets.url, ws_name),
    }
    yield installed


def auth(world: GatewayWorld) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.members['VIEWER'].api_token}"}


async def test_a_websocket_echo_tool_works_through_the_gateway(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    name = tools["websocket"]["name"]
    async with websockets.connect(
        f"ws://{name}.localhost:{gateway.port}/socket",
        host="127.0.0.1",
        port=gateway.port,
        additional_headers=auth(world),
        open_timeout=20,
    ) as socket:
        for message in ("hello", "through the gateway", "x" * 300):
            await socket.send(message)
            assert await socket.recv() == message
    assert socket.close_code == 1000


async def test_a_websocket_without_credentials_is_refused(
    gateway: GatewayServer, tools: dict[str, dict]
) -> None:
    name = tools["websocket"]["name"]
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(
            f"ws://{name}.localhost:{gateway.port}/socket",
            host="127.0.0.1",
            port=gateway.port,
            open_timeout=20,
        ):
            pass
    assert refused.value.response.status_code == 401


async def test_server_sent_events_arrive_as_they_are_sent(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    host = gateway.host(tools["echo"]["name"])
    arrivals = []
    async with (
        gateway.client() as client,
        client.stream(
            "GET", "/cgi-bin/events?count=4&interval=0.5", headers={"Host": host, **auth(world)}
        ) as response,
    ):
        assert response.headers["content-type"].startswith("text/event-stream")
        loop = __import__("asyncio").get_running_loop()
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                arrivals.append((line, loop.time()))
    assert [line for line, _ in arrivals] == ["data: 1", "data: 2", "data: 3", "data: 4"]
    # Streamed, not buffered: the events came about half a second apart.
    assert arrivals[-1][1] - arrivals[0][1] > 1.0


async def test_large_bodies_pass_both_ways_whole(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    host = gateway.host(tools["echo"]["name"])
    upload = os.urandom(4 * 1024 * 1024)
    async with gateway.client(timeout=60) as client:
        sent = await client.post(
            "/cgi-bin/echo", content=upload, headers={"Host": host, **auth(world)}
        )
        received = await client.get(
            "/cgi-bin/large?bytes=8388608", headers={"Host": host, **auth(world)}
        )
    assert sent.status_code == 200
    assert sent.json()["body_bytes"] == len(upload)
    assert sent.json()["body_sha256"] == hashlib.sha256(upload).hexdigest()
    assert received.content == large_body(8 * 1024 * 1024)


async def test_the_tool_sees_the_real_client_address_and_what_the_browser_asked_for(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    host = gateway.host(tools["echo"]["name"])
    async with gateway.client() as client:
        response = await client.get(
            "/cgi-bin/echo",
            headers={"Host": host, "X-Forwarded-For": "198.51.100.7", **auth(world)},
        )
    seen = response.json()["headers"]
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert seen["x-forwarded-proto"] == "http"
    assert seen["x-forwarded-host"] == host
    assert seen["host"] == host


def test_a_tool_container_cannot_reach_the_gateways_admin_api(
    gateway: GatewayServer, tools: dict[str, dict]
) -> None:
    admin_socket = gateway.run_dir / "caddy-admin.sock"
    assert admin_socket.is_socket()
    assert oct(admin_socket.stat().st_mode & 0o777) == "0o600"
    client = docker.from_env()
    try:
        image = f"machete/{tools['echo']['name']}:1"
        # On the host network a tool reaches every loopback TCP port: the admin API is on none.
        probe = client.containers.run(
            image,
            [
                "sh",
                "-c",
                "for port in 2019 2020; do wget -q -T 2 -O- http://127.0.0.1:$port/config/ "
                "&& echo reached $port; done; "
                f"ls {admin_socket} 2>/dev/null && echo reached the socket; echo done",
            ],
            network_mode="host",
            remove=True,
            stdout=True,
            stderr=True,
        )
    finally:
        client.close()
    output = probe.decode()
    assert "done" in output and "reached" not in output
    # And Caddy listens on TCP on the gateway's port only.
    listening = subprocess.run(
        ["ss", "-Hltnp"], capture_output=True, text=True, check=True, timeout=10
    ).stdout
    caddy_ports = {
        line.split()[3].rsplit(":", 1)[1]
        for line in listening.splitlines()
        if f"pid={gateway.caddy_pid()}," in line
    }
    assert caddy_ports == {str(gateway.port)}

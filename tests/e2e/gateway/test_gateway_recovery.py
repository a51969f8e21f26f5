"""The gateway outlives what fails around it: Caddy killed with SIGKILL is started again with
every route, and MACHETE stopped and started leaves running tools reachable throughout (Caddy
outlives it and is adopted again; a sign-in check waits for MACHETE instead of failing)."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator

import pytest

from tests.e2e.gateway.servers import GatewayServer, gateway_server
from tests.e2e.gateway.traffic import steady_traffic
from tests.e2e.gateway.world import GatewayWorld

pytestmark = [pytest.mark.timeout(600), pytest.mark.docker]


@pytest.fixture(scope="module")
async def gateway(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[GatewayServer]:
    # This module stops and starts MACHETE and Caddy: a server of its own.
    async with gateway_server(tmp_path_factory.mktemp("recovery")) as running:
        yield running


@pytest.fixture(scope="module")
async def tools(
    world: GatewayWorld, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[dict[str, dict]]:
    """A tool behind the sign-in check and a PUBLIC one."""
    root = tmp_path_factory.mktemp("tools")
    installed = await world.install_echo_tools(root, "up", ("VIEWER", "PUBLIC"), "up")
    yield installed


def auth(world: GatewayWorld) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.members['VIEWER'].api_token}"}


async def answering(gateway: GatewayServer, host: str, headers: dict[str, str]) -> bool:
    async with gateway.client(timeout=2) as client:
        try:
            response = await client.get("/", headers={"Host": host, **headers})
        except Exception:
            return False
    return response.status_code == 200


async def test_caddy_killed_is_started_again_and_every_tool_answers_within_5_seconds(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    hosts = {gateway.host(tool["name"]): auth(world) for tool in tools.values()}
    for host, headers in hosts.items():
        assert await answering(gateway, host, headers)
    killed = gateway.caddy_pid()
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    started = time.monotonic()
    waiting = dict(hosts)
    while waiting:
        assert time.monotonic() - started < 5, f"still not answering: {sorted(waiting)}"
        for host in list(waiting):
            if await answering(gateway, host, waiting[host]):
                del waiting[host]
        await asyncio.sleep(0.05)
    assert gateway.caddy_pid() not in (None, killed)


async def test_tools_stay_reachable_while_machete_stops_and_starts_again(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    caddy = gateway.caddy_pid()
    protected = gateway.host(tools["VIEWER"]["name"])
    public = gateway.host(tools["PUBLIC"]["name"])
    async with (
        steady_traffic(gateway, protected, auth(world), per_second=10) as checked,
        steady_traffic(gateway, public, per_second=10) as open_to_all,
    ):
        await asyncio.sleep(1)
        await asyncio.to_thread(gateway.stop)
        stopped = time.monotonic()
        await asyncio.sleep(2)  # MACHETE is down: the gateway alone serves
        await asyncio.to_thread(gateway.start)
        started = time.monotonic()
        await asyncio.sleep(1)
    assert checked.failures == [] and open_to_all.failures == []
    assert {answer.body for answer in checked.answers} == {"VIEWER up"}
    assert {answer.body for answer in open_to_all.answers} == {"PUBLIC up"}
    # Requests were sent while MACHETE was down: their sign-in checks waited for it.
    while_down = [a for a in checked.answers if stopped <= a.sent_at < started]
    assert len(while_down) >= 10
    assert gateway.caddy_pid() == caddy  # adopted, not replaced

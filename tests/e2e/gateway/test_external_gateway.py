"""`MACHETE_GATEWAY=external`: an operator's own Caddy, driven through its admin API (a unix
socket here), serves the dashboard and the tools; MACHETE starts no Caddy of its own."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from infra.gateway.factory import caddy_binary
from tests.e2e.gateway.servers import GatewayServer, gateway_server
from tests.e2e.gateway.world import GatewayWorld
from tests.e2e.tools import unique_name
from tests.fixtures.echo_tools import make_echo_tool_repo

pytestmark = [pytest.mark.timeout(300), pytest.mark.docker]

SYSTEM_GATEWAY = "{ system { gateway { mode reachable url } } }"


@pytest.fixture(scope="module")
def operators_caddy() -> Iterator[Path]:
    """A Caddy the operator runs: no configuration yet, its admin API on a unix socket."""
    home = Path(tempfile.mkdtemp(prefix="mop", dir="/tmp"))
    socket = home / "admin.sock"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "CADDY_ADMIN": f"unix/{socket}",
    }
    with (home / "caddy.log").open("wb") as log:
        caddy = subprocess.Popen(
            [caddy_binary(), "run"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        for _ in range(100):
            if socket.exists():
                break
            assert caddy.poll() is None, (home / "caddy.log").read_text()
            time.sleep(0.05)
        yield socket
    finally:
        caddy.terminate()
        try:
            caddy.wait(timeout=10)
        except subprocess.TimeoutExpired:
            caddy.kill()
            caddy.wait(timeout=5)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
async def gateway(
    tmp_path_factory: pytest.TempPathFactory, operators_caddy: Path
) -> AsyncIterator[GatewayServer]:
    async with gateway_server(
        tmp_path_factory.mktemp("external"),
        MACHETE_GATEWAY="external",
        MACHETE_GATEWAY_ADMIN_URL=f"unix://{operators_caddy}",
    ) as running:
        yield running


async def test_the_operators_caddy_serves_machete_and_its_tools(
    gateway: GatewayServer, world: GatewayWorld, tmp_path: Path
) -> None:
    assert gateway.caddy_pid() is None  # MACHETE started no Caddy of its own
    system = (await world.admin.run(SYSTEM_GATEWAY, {}))["system"]["gateway"]
    assert system == {
        "mode": "external",
        "reachable": True,
        "url": f"http://localhost:{gateway.port}/",
    }
    name = unique_name("outside")
    repo = make_echo_tool_repo(tmp_path / name, name=name, content="served by the operator")
    await world.install_running(repo.url, name)
    token = {"Authorization": f"Bearer {world.members['VIEWER'].api_token}"}
    async with gateway.client() as client:
        for _ in range(50):
            response = await client.get("/", headers={"Host": gateway.host(name), **token})
            if response.status_code == 200:
                break
            await asyncio.sleep(0.1)
    assert response.text.strip() == "served by the operator"


async def test_the_operators_caddy_holds_the_configuration_machete_loaded(
    gateway: GatewayServer, operators_caddy: Path
) -> None:
    transport = httpx.AsyncHTTPTransport(uds=str(operators_caddy))
    async with httpx.AsyncClient(transport=transport, base_url="http://caddy") as admin:
        config = (await admin.get("/config/")).json()
    server = next(iter(config["apps"]["http"]["servers"].values()))
    assert server["listen"] == [f"127.0.0.1:{gateway.port}"]
    assert config["admin"]["listen"] == f"unix/{operators_caddy}"

"""Zero-downtime switches through the real gateway: while a client sends 20 requests a second,
`updateTool`, `rollbackTool` and `restartTool` start the new container beside the old one and
switch only once it is healthy, so no request fails; a broken update leaves the old version
serving."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from tests.e2e.gateway.servers import GatewayServer
from tests.e2e.gateway.traffic import steady_traffic
from tests.e2e.gateway.world import GatewayWorld
from tests.e2e.tools import unique_name
from tests.fixtures.echo_tools import make_echo_tool_repo
from tests.fixtures.repos import ToolRepo

pytestmark = [pytest.mark.timeout(600), pytest.mark.docker]

ROLLBACK = """mutation($id: ID!, $build: ID!) {
  rollbackTool(input: {id: $id, buildId: $build}) {
    build { id } errors { code message } } }"""


@dataclass
class SwitchedTool:
    tool: dict
    repo: ToolRepo
    first_build: str


@pytest.fixture(scope="module")
async def echo(
    world: GatewayWorld, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[SwitchedTool]:
    name = unique_name("switch")
    repo = make_echo_tool_repo(tmp_path_factory.mktemp("switch"), name=name, content="one")
    tool = await world.install_running(repo.url, name)
    yield SwitchedTool(tool, repo, tool["currentBuild"]["id"])


def token(world: GatewayWorld) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.members['VIEWER'].api_token}"}


async def served_content(gateway: GatewayServer, world: GatewayWorld, name: str) -> str:
    async with gateway.client() as client:
        response = await client.get("/", headers={"Host": gateway.host(name), **token(world)})
    assert response.status_code == 200, response.text
    return response.text.strip()


async def build_of(world: GatewayWorld, payload: dict) -> dict:
    assert payload["errors"] == [], payload
    return await world.admin.wait_for_build(payload["build"]["id"], within=180)


async def test_an_update_switches_to_the_new_version_without_a_failed_request(
    gateway: GatewayServer, world: GatewayWorld, echo: SwitchedTool
) -> None:
    name = echo.tool["name"]
    assert await served_content(gateway, world, name) == "one"
    echo.repo.commit({"www/index.html": "two\n"}, "version two")
    async with steady_traffic(gateway, gateway.host(name), token(world)) as traffic:
        await asyncio.sleep(1)
        payload = await world.admin.mutate("updateTool", "UpdateToolInput", id=echo.tool["id"])
        build = await build_of(world, payload)
        switched = time.monotonic()
        await asyncio.sleep(1.5)
    assert build["status"] == "SUCCEEDED", await world.admin.log_text(build["id"])
    assert traffic.failures == []
    assert len(traffic.answers) > 40
    assert traffic.bodies()[0] == "one"
    assert traffic.bodies_after(switched) == {"two"}


async def test_a_rollback_switches_back_without_a_failed_request(
    gateway: GatewayServer, world: GatewayWorld, echo: SwitchedTool
) -> None:
    name = echo.tool["name"]
    assert await served_content(gateway, world, name) == "two"
    async with steady_traffic(gateway, gateway.host(name), token(world)) as traffic:
        await asyncio.sleep(1)
        result = await world.admin.run(ROLLBACK, {"id": echo.tool["id"], "build": echo.first_build})
        build = await build_of(world, result["rollbackTool"])
        switched = time.monotonic()
        await asyncio.sleep(1.5)
    assert build["status"] == "SUCCEEDED", await world.admin.log_text(build["id"])
    assert traffic.failures == []
    assert traffic.bodies()[0] == "two"
    assert traffic.bodies_after(switched) == {"one"}


async def test_a_restart_starts_a_new_container_without_a_failed_request(
    gateway: GatewayServer, world: GatewayWorld, echo: SwitchedTool
) -> None:
    name = echo.tool["name"]
    before = await world.admin.tool(echo.tool["id"])
    assert before is not None
    async with steady_traffic(gateway, gateway.host(name), token(world)) as traffic:
        await asyncio.sleep(1)
        await world.admin.mutate("restartTool", "ToolIdInput", id=echo.tool["id"])
        deadline = time.monotonic() + 60
        while True:
            after = await world.admin.tool(echo.tool["id"])
            assert after is not None
            if after["hostPort"] != before["hostPort"] and after["status"] == "RUNNING":
                break
            assert time.monotonic() < deadline, f"no new container: {after}"
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.5)
    assert traffic.failures == []
    assert set(traffic.bodies()) == {"one"}


async def test_a_broken_update_leaves_the_old_version_serving(
    gateway: GatewayServer, world: GatewayWorld, echo: SwitchedTool
) -> None:
    name = echo.tool["name"]
    before = await world.admin.tool(echo.tool["id"])
    assert before is not None and before["status"] == "RUNNING"
    echo.repo.commit({"www/index.html": "broken\n", "www/health": None}, "no health any more")
    async with steady_traffic(gateway, gateway.host(name), token(world), per_second=10) as traffic:
        payload = await world.admin.mutate("updateTool", "UpdateToolInput", id=echo.tool["id"])
        build = await build_of(world, payload)
    assert build["status"] == "FAILED"
    assert build["failure"]["code"] == "HEALTH_CHECK_FAILED"
    assert traffic.failures == []
    assert set(traffic.bodies()) == {"one"}
    after = await world.admin.tool(echo.tool["id"])
    assert after is not None
    assert after["status"] == "RUNNING"
    assert after["currentBuild"]["id"] == before["currentBuild"]["id"]
    assert await served_content(gateway, world, name) == "one"


async def test_a_request_in_flight_when_the_route_switches_finishes_on_the_old_container(
    gateway: GatewayServer, world: GatewayWorld, echo: SwitchedTool
) -> None:
    name = echo.tool["name"]
    assert await served_content(gateway, world, name) == "one"
    echo.repo.commit({"www/index.html": "three\n", "www/health": '{"status":"healthy"}\n'})

    async def slow() -> tuple[int, dict]:
        async with gateway.client(timeout=60) as client:
            response = await client.get(
                "/cgi-bin/slow?seconds=8", headers={"Host": gateway.host(name), **token(world)}
            )
        return response.status_code, response.json()

    in_flight = asyncio.create_task(slow())
    await asyncio.sleep(0.5)
    payload = await world.admin.mutate("updateTool", "UpdateToolInput", id=echo.tool["id"])
    deadline = asyncio.get_running_loop().time() + 60
    while await served_content(gateway, world, name) != "three":
        assert asyncio.get_running_loop().time() < deadline, "the route never switched"
        await asyncio.sleep(0.1)
    # New requests go to the new container while the old one still finishes its request.
    assert not in_flight.done()
    assert await in_flight == (200, {"slept": 8, "content": "one"})
    build = await build_of(world, payload)
    assert build["status"] == "SUCCEEDED", await world.admin.log_text(build["id"])

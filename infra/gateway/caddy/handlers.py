"""The Caddy handlers MACHETE's routes are made of, each one step of the gateway's protocol
with MACHETE (see `config.py`)."""

from __future__ import annotations

import uuid
from typing import Any

from domain.gateway.addresses import Upstream
from infra.gateway.caddy.site import GatewaySite

Handler = dict[str, Any]
Route = dict[str, Any]

AUTH_PATH = "/_machete/auth"
# The identity MACHETE's sign-in check answers with, copied onto the request to the tool.
IDENTITY_HEADERS = ("X-Machete-User", "X-Machete-Role")
TOOL_HEADER = "X-Machete-Tool"
# Only the sign-in check's request carries these (Caddy sets X-Forwarded-For/Host/Proto itself
# on every proxied request, replacing what the client sent).
CHECK_ONLY_HEADERS = ("X-Forwarded-Method", "X-Forwarded-Uri")
# Where clients claim to come from; a tool hears the address only from X-Forwarded-For.
CLIENT_SAID_HEADERS = ("Forwarded", "X-Real-Ip")
# Which upstream a request was sent to, for the error routes to pick the right page.
UPSTREAM_VAR = "machete_upstream"
# Cookies named so are MACHETE's own, with TLS behind the `__Host-` prefix (`__Secure-` too, in
# case); `\s*` also takes the space after the `;` before them.
MACHETE_COOKIE = r"(^|;)\s*(__Host-|__Secure-)?machete_[^;]*"
LEFTOVER_SEPARATORS = r"^[;\s]+|[;\s]+$"


def strip_forged_identity() -> Handler:
    """Every incoming request loses what only the gateway may say: who is asking, and which
    tool a sign-in check is for. (The dashboard's own `X-Machete-Session*` headers stay.)"""
    return {"handler": "headers", "request": {"delete": [*IDENTITY_HEADERS, TOOL_HEADER]}}


# Caddy matches header names as Go canonicalizes them: "X-Machete-User", but "X_machete_user"
# or "X.machete.user" for other spellings, which tools reading headers CGI-style (every
# punctuation mark read as a dash) would take for `X-Machete-User`. So every name containing
# "machete", in either case it can have once canonical, goes.
MACHETE_HEADER_PATTERNS = ("*Machete*", "*machete*")


def strip_machete_headers() -> Handler:
    """A request on its way to a tool loses every header that names MACHETE before the check,
    so that only the identity the check answers with reaches the tool."""
    return {"handler": "headers", "request": {"delete": list(MACHETE_HEADER_PATTERNS)}}


def mark_upstream(kind: str) -> Handler:
    return {"handler": "vars", UPSTREAM_VAR: kind}


def to_api(site: GatewaySite) -> list[Handler]:
    """MACHETE itself (dashboard, API, sign-in callbacks): waited for while it restarts."""
    proxy = {
        "handler": "reverse_proxy",
        "upstreams": [{"dial": site.api_upstream}],
        "flush_interval": -1,
        "stream_close_delay": site.stream_close_delay,
        "load_balancing": _waiting_for_machete(site),
        "headers": {"request": {"delete": list(CHECK_ONLY_HEADERS)}},
    }
    return [mark_upstream("api"), proxy]


def sign_in_check(site: GatewaySite, tool_id: uuid.UUID) -> list[Handler]:
    """Forward auth: ask MACHETE whether this request may reach the tool. On 2xx the request
    goes on with MACHETE's identity headers (and only those); otherwise MACHETE's answer (a
    redirect to sign-in, a 403 page) goes to the client as it is."""
    check = {
        "handler": "reverse_proxy",
        "upstreams": [{"dial": site.api_upstream}],
        "rewrite": {"method": "GET", "uri": AUTH_PATH},
        "headers": {
            "request": {
                "set": {
                    "X-Forwarded-Method": ["{http.request.method}"],
                    "X-Forwarded-Uri": ["{http.request.uri}"],
                    "X-Forwarded-Host": ["{http.request.hostport}"],
                    "X-Forwarded-Proto": ["{http.request.scheme}"],
                    TOOL_HEADER: [str(tool_id)],
                },
                # A WebSocket handshake's check is a plain GET, not a handshake of its own.
                "delete": ["Connection", "Upgrade"],
            }
        },
        "load_balancing": _waiting_for_machete(site),
        "handle_response": [
            {
                "match": {"status_code": [2]},
                "routes": [_copy_from_check(name) for name in IDENTITY_HEADERS],
            }
        ],
    }
    return [mark_upstream("api"), check]


def strip_credentials() -> list[Route]:
    """MACHETE's credentials never reach a tool: no `Authorization`, no `machete_*` cookie
    (the tool's own cookies stay; a `Cookie` header left empty goes)."""
    strip = {
        "handler": "headers",
        "request": {
            "delete": ["Authorization"],
            "replace": {
                "Cookie": [
                    {"search_regexp": MACHETE_COOKIE, "replace": ""},
                    {"search_regexp": LEFTOVER_SEPARATORS, "replace": ""},
                ]
            },
        },
    }
    drop_empty = {
        "match": [{"vars": {"{http.request.header.Cookie}": [""]}}],
        "handle": [{"handler": "headers", "request": {"delete": ["Cookie"]}}],
    }
    return [{"handle": [strip]}, drop_empty]


def to_tool(site: GatewaySite, upstream: Upstream) -> list[Handler]:
    """The tool's container. Caddy sets X-Forwarded-For from the real client itself (no
    proxy is trusted, so a forged one is replaced) and keeps the client's Host; the other
    headers tools take a client address from would only say what the client wrote. Responses
    are buffered as Caddy does by default, which streams on its own what is a stream
    (server-sent events, a body of unknown length): flushing after every write cost a quarter
    of the throughput in bench.gateway_overhead."""
    proxy = {
        "handler": "reverse_proxy",
        "upstreams": [{"dial": upstream.address}],
        "stream_close_delay": site.stream_close_delay,
        "headers": {"request": {"delete": list(CLIENT_SAID_HEADERS)}},
    }
    return [mark_upstream("tool"), proxy]


def _waiting_for_machete(site: GatewaySite) -> dict[str, str]:
    return {"try_duration": site.api_try_duration, "try_interval": site.api_try_interval}


def _copy_from_check(name: str) -> Route:
    """Set `name` on the request from the check's answer, only when the answer has it."""
    value = f"{{http.reverse_proxy.header.{name}}}"
    return {
        "match": [{"not": [{"vars": {value: [""]}}]}],
        "handle": [{"handler": "headers", "request": {"set": {name: [value]}}}],
    }

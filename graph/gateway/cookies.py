"""MACHETE's cookies on tools' hosts: the pass (who is signed in there) and the sign-in state
(which browser was sent to sign in).

Each is host-only and HttpOnly. With TLS their names carry the `__Host-` prefix, which a browser
accepts only from a secure page, without a `Domain` and for the path `/`: a tool on a sibling
host cannot plant one of its own (with `Domain=<base domain>`) to sign the user in as someone
else. The gateway strips every `machete_*` cookie, prefixed or not, before a request reaches a
tool.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

PASS_COOKIE = "machete_tool_session"
STATE_COOKIE = "machete_sign_in_state"
HOST_PREFIX = "__Host-"


def cookie_name(name: str, secure: bool) -> str:
    return f"{HOST_PREFIX}{name}" if secure else name


def read_cookie(request: Request, name: str, secure: bool) -> str | None:
    return request.cookies.get(cookie_name(name, secure))


def set_host_cookie(response: Response, name: str, value: str, max_age: int, secure: bool) -> None:
    response.set_cookie(
        cookie_name(name, secure),
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )

"""The browser's session cookie: the refresh token where page scripts cannot read it.

A browser asks for this mode with `X-Machete-Session: cookie` on `signIn`. The refresh token is
then set as an HttpOnly, SameSite=Strict cookie scoped to the one path that spends it
(`/auth/refresh`), and left out of the response body; the access token stays in the page's
memory. Only that path reads the cookie, so it is the only request a cookie authenticates, and
it demands the same custom header and a JSON body (which a cross-site form cannot send).

Cookies are not isolated by port, so another page on the same host (a tool on another port of
127.0.0.1) may receive the cookie. Sign-in therefore also answers a binding proof in the
`X-Machete-Session-Binding` header, which the page keeps in its own origin's storage (isolated
by port) and sends with each refresh; without it the cookie refreshes nothing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

SESSION_HEADER = "x-machete-session"
BINDING_HEADER = "x-machete-session-binding"
COOKIE_MODE = "cookie"
REFRESH_COOKIE = "machete_refresh"
REFRESH_PATH = "/auth/refresh"


def wants_cookie(connection: HTTPConnection | None) -> bool:
    return isinstance(connection, Request) and connection.headers.get(SESSION_HEADER) == COOKIE_MODE


def is_secure(request: Request) -> bool:
    """HTTPS as the browser sees it (behind a TLS-terminating proxy the hop here is plain HTTP)."""
    origin = request.headers.get("origin", "")
    return request.url.scheme == "https" or origin.startswith("https://")


def set_refresh_cookie(response: Response, request: Request, token: str, max_age: int) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        token,
        max_age=max_age,
        path=REFRESH_PATH,
        httponly=True,
        samesite="strict",
        secure=is_secure(request),
    )


def clear_refresh_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        REFRESH_COOKIE,
        path=REFRESH_PATH,
        httponly=True,
        samesite="strict",
        secure=is_secure(request),
    )


def refused_cross_site(request: Request) -> str | None:
    """Why a cookie-authenticated request must be refused (CSRF), or None when it may proceed."""
    if request.headers.get(SESSION_HEADER) != COOKIE_MODE:
        return f"The {SESSION_HEADER} header must be `{COOKIE_MODE}`."
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return "The request body must be JSON."
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        return "The request comes from another site."
    if request.headers.get("sec-fetch-site") not in (None, "same-origin"):
        return "The request comes from another site."
    return None

"""What a request that came through the gateway says about itself."""

from __future__ import annotations

from starlette.requests import Request

from graph.context import bearer_from_header


def public_host(request: Request) -> str:
    """The host the browser asked for, without the port, lowercase."""
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    host = host.split(",")[0].strip().lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def original_url(request: Request, scheme: str) -> str:
    """The URL the browser asked the gateway for (forward_auth passes method, host and URI)."""
    host = (request.headers.get("x-forwarded-host") or request.headers.get("host") or "").split(
        ","
    )[0]
    uri = request.headers.get("x-forwarded-uri") or "/"
    return f"{scheme}://{host.strip()}{uri if uri.startswith('/') else '/'}"


def bearer(request: Request) -> str | None:
    return bearer_from_header(request.headers.get("authorization"))


def is_navigation(request: Request) -> bool:
    """A browser opening a page (sent to sign-in), not a script (answered 401)."""
    method = request.headers.get("x-forwarded-method") or request.method
    if method.upper() not in ("GET", "HEAD"):
        return False
    if request.headers.get("sec-fetch-mode") == "navigate":
        return True
    return "text/html" in request.headers.get("accept", "")

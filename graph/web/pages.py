"""The browser's pages: the dashboard at `/` (every client route too) and GraphiQL at GET /graphql.

Both come from the one Vite build in `web/` (see web/README.md), served from `dist/` here or
from `MACHETE_WEB_DIST`. Every page is served with a Content-Security-Policy that lets it load
and connect to nothing but this server.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

PACKAGED_DIST = Path(__file__).parent / "dist"
# Paths the dashboard never owns: a GET there that no route answered is a plain 404.
RESERVED_SEGMENTS = frozenset({"graphql", "auth", "assets", "healthz", "readyz", "metrics"})


def content_security_policy(*, inline_styles: bool) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            # GraphiQL's editor injects <style> elements; the dashboard needs none.
            "style-src 'self' 'unsafe-inline'" if inline_styles else "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        )
    )


def page_headers(*, inline_styles: bool) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(inline_styles=inline_styles),
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }


NOT_BUILT = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>MACHETE</title>"
    "<h1>The dashboard is not built</h1><p>Run <code>make web</code> (or <code>make run</code>)"
    " and reload. The API at <code>/graphql</code> works meanwhile.</p></html>"
)


class HashedAssets(StaticFiles):
    """Vite's assets carry a content hash in their names: they never change, so cache them."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def _page(dist: Path, name: str, *, inline_styles: bool = False) -> Response:
    page = dist / name
    headers = page_headers(inline_styles=inline_styles)
    if not page.is_file():
        return HTMLResponse(NOT_BUILT, status_code=503, headers=headers)
    return FileResponse(page, media_type="text/html", headers=headers)


def mount_graphiql(app: FastAPI, dist: Path) -> None:
    """GET /graphql: the offline GraphiQL page (registered before the GraphQL router's GET)."""

    @app.get("/graphql", include_in_schema=False)
    async def graphiql() -> Response:
        return _page(dist, "graphiql.html", inline_styles=True)


def mount_dashboard(app: FastAPI, dist: Path) -> None:
    """The hashed assets, then the dashboard for any other GET (registered last)."""
    app.mount("/assets", HashedAssets(directory=dist / "assets", check_dir=False), name="assets")

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def dashboard(path: str) -> Response:
        if path.split("/", 1)[0] in RESERVED_SEGMENTS:
            return Response(status_code=404)
        return _page(dist, "index.html")


def dist_dir(configured: Path | None) -> Path:
    return configured if configured is not None else PACKAGED_DIST

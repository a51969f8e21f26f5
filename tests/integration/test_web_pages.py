"""How the API serves the browser's pages: the dashboard at every client route, GraphiQL at
GET /graphql when it is on, hashed assets cached forever, every page under a same-origin CSP."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.app import create_app
from graph.web.pages import PACKAGED_DIST
from infra.settings import Mode, Settings
from tests.conftest import TEST_SECRET_KEY

INDEX = "<!doctype html><title>MACHETE</title><script src=/assets/index-abc.js></script>"
GRAPHIQL = "<!doctype html><title>GraphiQL</title>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "graphiql.html").write_text(GRAPHIQL)
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    return tmp_path


def client_for(tmp_path: Path, dist: Path, **overrides: Any) -> httpx.AsyncClient:
    settings = Settings(
        data_dir=tmp_path / "data", secret_key=TEST_SECRET_KEY, web_dist=dist, **overrides
    )
    transport = httpx.ASGITransport(app=create_app(settings))
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000")


@pytest.mark.parametrize("path", ["/", "/tools/hello", "/builds/QnVpbGQ6MQ%3D%3D", "/install"])
async def test_every_client_route_serves_the_dashboard(
    tmp_path: Path, dist: Path, path: str
) -> None:
    async with client_for(tmp_path, dist) as http:
        response = await http.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


async def test_pages_may_load_and_connect_to_nothing_but_this_server(
    tmp_path: Path, dist: Path
) -> None:
    async with client_for(tmp_path, dist) as http:
        headers = (await http.get("/")).headers
    policy = dict(d.strip().split(" ", 1) for d in headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["style-src"] == "'self'"  # only GraphiQL's editor needs inline styles
    assert headers["x-content-type-options"] == "nosniff"


async def test_hashed_assets_are_cached_and_missing_ones_are_not_the_dashboard(
    tmp_path: Path, dist: Path
) -> None:
    async with client_for(tmp_path, dist) as http:
        asset = await http.get("/assets/index-abc.js")
        missing = await http.get("/assets/index-nope.js")
        reserved = [await http.get(p) for p in ("/auth/refresh", "/graphql/x", "/assets")]
    assert asset.status_code == 200 and asset.text == "console.log(1)"
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert missing.status_code == 404
    assert [r.status_code for r in reserved] == [404, 404, 404]


async def test_metrics_is_never_the_dashboard_and_head_answers_like_get(
    tmp_path: Path, dist: Path
) -> None:
    async with client_for(tmp_path, dist) as http:
        metrics = await http.get("/metrics")
        head = await http.head("/tools/hello")
    assert metrics.status_code == 404
    assert head.status_code == 200 and head.headers["content-type"].startswith("text/html")


async def test_graphiql_is_served_from_the_local_build_in_development(
    tmp_path: Path, dist: Path
) -> None:
    async with client_for(tmp_path, dist) as http:
        response = await http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.text == GRAPHIQL
    assert "content-security-policy" in response.headers


async def test_graphiql_is_off_in_production_unless_enabled(settings: Settings, dist: Path) -> None:
    pages = []
    for graphiql in (None, True):
        configured = settings.model_copy(
            update={"mode": Mode.PRODUCTION, "graphiql": graphiql, "web_dist": dist}
        )
        app = create_app(configured)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                pages.append(await http.get("/graphql", headers={"Accept": "text/html"}))
    off, on = pages
    assert off.status_code == 404 and GRAPHIQL not in off.text
    assert on.status_code == 200 and on.text == GRAPHIQL


async def test_an_unbuilt_dashboard_says_how_to_build_it(tmp_path: Path) -> None:
    async with client_for(tmp_path, tmp_path / "nowhere") as http:
        response = await http.get("/")
    assert response.status_code == 503
    assert "make web" in response.text


def test_the_built_pages_reference_only_their_own_server() -> None:
    """`make test` builds web/ first; every URL in the built pages is a same-origin path."""
    pages = [PACKAGED_DIST / "index.html", PACKAGED_DIST / "graphiql.html"]
    assert all(page.is_file() for page in pages), "run `make web` first"
    for page in pages:
        urls = re.findall(r'(?:src|href)="([^"]*)"', page.read_text())
        assert urls, page
        for url in urls:
            assert (url.startswith("/") and not url.startswith("//")) or url == "data:,", url

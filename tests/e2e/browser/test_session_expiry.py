"""Access tokens that expire while the page is open: the page refreshes them in time, and the
live socket, closed with 4403 when its token expires, comes back with a fresh one and keeps
delivering updates."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, WebSocketRoute, expect

from tests.e2e.browser.session import sign_in_on_page
from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME, running_server, sign_in
from tests.e2e.server import GraphQLClient, RunningServer
from tests.e2e.tools import ToolsApi, unique_name
from tests.fixtures.repos import make_tool_repo, tool_files

pytestmark = pytest.mark.timeout(180)
TOKEN_TTL_SECONDS = 30  # the shortest the settings allow


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    async with running_server(
        tmp_path_factory.mktemp("expiry"),
        MACHETE_ADMIN_USERNAME=ADMIN_USERNAME,
        MACHETE_ADMIN_PASSWORD=ADMIN_PASSWORD,
        MACHETE_ALLOW_LOCAL_REPOS="true",
        MACHETE_ACCESS_TOKEN_TTL_SECONDS=str(TOKEN_TTL_SECONDS),
    ) as running:
        yield running


async def test_the_live_socket_reconnects_with_a_fresh_token_after_its_token_expires(
    page: Page, server: RunningServer, tmp_path: Path
) -> None:
    closes: list[int | None] = []

    def relay(socket: WebSocketRoute) -> None:
        upstream = socket.connect_to_server()

        def closed(code: int | None, reason: str | None) -> Coroutine[Any, Any, None]:
            closes.append(code)
            return socket.close(code=code)  # the handler's coroutine, which Playwright awaits

        upstream.on_close(closed)

    await page.route_web_socket("**/graphql", relay)
    await page.goto("/")
    await sign_in_on_page(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    await asyncio.sleep(TOKEN_TTL_SECONDS + 8)
    assert 4403 in closes  # the server ended the socket of the expired token

    # Still signed in, and live updates still arrive: a tool installed elsewhere shows up.
    graphql = GraphQLClient(server.graphql_url)
    try:
        admin = await sign_in(graphql, ADMIN_USERNAME, ADMIN_PASSWORD)
        name = unique_name("late")
        files = {k: v for k, v in tool_files(name).items() if k != "Dockerfile"}
        repo = make_tool_repo(tmp_path, name=name)
        repo.commit({**files, "Dockerfile": None}, "no Dockerfile: fails fast, no image")
        api = ToolsApi(graphql, admin["accessToken"])
        installed = await api.install(repoUrl=repo.url, name=name)
        await expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=20_000)
        await api.wait_for_build(installed["build"]["id"])
        await api.mutate("uninstallTool", "UninstallToolInput", id=installed["tool"]["id"])
    finally:
        await graphql.close()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()

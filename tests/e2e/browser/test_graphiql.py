"""GraphiQL at /graphql, built locally: in the same browser session as the dashboard (no pasted
token), offline (every request off the server is blocked and there must be none), it runs a
query and follows a subscription over graphql-transport-ws."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser.pages import (
    Traffic,
    horizontal_overflow,
    screenshot,
    serious_accessibility_violations,
)
from tests.e2e.browser.session import sign_in_on_page
from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME
from tests.e2e.server import GraphQLClient
from tests.e2e.tools import ToolsApi, unique_name
from tests.fixtures.repos import make_chatty_tool_repo

pytestmark = [pytest.mark.timeout(240)]


async def run_in_graphiql(page: Page, document: str) -> None:
    """Type a document into GraphiQL's editor (Monaco) and run it, as a person would."""
    await page.locator(".graphiql-query-editor .monaco-editor").first.click()
    await page.keyboard.press("ControlOrMeta+A")
    await page.keyboard.press("Delete")
    await page.keyboard.insert_text(document)
    await page.keyboard.press("Escape")
    await page.get_by_role("button", name=re.compile(r"^Execute query")).click()


async def open_signed_in(page: Page) -> None:
    await page.goto("/")
    await sign_in_on_page(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    await page.goto("/graphql")
    await expect(page.locator(".graphiql-query-editor .monaco-editor").first).to_be_visible()


async def test_graphiql_runs_a_query_in_the_browser_session_offline(
    page: Page, traffic: Traffic
) -> None:
    await open_signed_in(page)
    await run_in_graphiql(page, "{ system { version } }")
    result = page.get_by_role("region", name="Result Window")
    await expect(result).to_contain_text(f'"version": "{version("machete")}"')
    await screenshot(page, "graphiql-query")
    await page.reload()  # the session survives a reload of GraphiQL too
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert await serious_accessibility_violations(page) == []
    await page.set_viewport_size({"width": 360, "height": 800})
    assert await horizontal_overflow(page) == 0
    await screenshot(page, "graphiql-360")
    assert traffic.foreign == []


@pytest.mark.docker
async def test_graphiql_follows_a_build_updated_subscription(
    page: Page, tmp_path: Path, client: GraphQLClient, role_tokens: dict[str, dict]
) -> None:
    api = ToolsApi(client, role_tokens["ADMIN"]["accessToken"])
    name = unique_name("giql")
    repo = make_chatty_tool_repo(tmp_path, lines=150, pause="0.05", name=name)
    await open_signed_in(page)
    installed = await api.install(repoUrl=repo.url, name=name)
    build_id = installed["build"]["id"]
    try:
        await run_in_graphiql(
            page, f'subscription {{ buildUpdated(buildId: "{build_id}") {{ id status }} }}'
        )
        result = page.get_by_role("region", name="Result Window")
        await expect(result).to_contain_text('"status": "BUILDING"', timeout=30_000)
        await expect(result).to_contain_text('"status": "SUCCEEDED"', timeout=60_000)
        await screenshot(page, "graphiql-subscription")
    finally:
        await api.wait_for_build(build_id)
        await api.mutate("uninstallTool", "UninstallToolInput", id=installed["tool"]["id"])

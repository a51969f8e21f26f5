"""Every page of the dashboard, for each role that may see it: it fits 360 px and 1280 px
without horizontal scrolling, axe-core finds no serious or critical violation, a screenshot is
saved, and a VIEWER is shown no control that would fail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser.pages import (
    horizontal_overflow,
    screenshot,
    serious_accessibility_violations,
)
from tests.e2e.browser.session import sign_in_on_page
from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME, ROLE_PASSWORD
from tests.e2e.server import GraphQLClient, RunningServer
from tests.e2e.tools import DockerView, ToolsApi, unique_name
from tests.fixtures.repos import make_tool_repo

pytestmark = [pytest.mark.timeout(300), pytest.mark.docker]

TOOL_ACTIONS = ("Start", "Stop", "Restart", "Update", "Rebuild", "Rollback", "Cancel build")
ALL_ACTIONS = (*TOOL_ACTIONS, "Uninstall")


@pytest.fixture(scope="module")
async def installed(
    server: RunningServer, role_tokens: dict[str, dict], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[dict]:
    """A running busybox tool and its first build, for the pages that show one."""
    name = unique_name("page")
    repo = make_tool_repo(tmp_path_factory.mktemp("page-tool"), name=name)
    client = GraphQLClient(server.graphql_url)
    api = ToolsApi(client, role_tokens["ADMIN"]["accessToken"])
    result = await api.install(repoUrl=repo.url, name=name)
    await api.wait_for_build(result["build"]["id"])
    await api.wait_for_status(result["tool"]["id"], {"RUNNING"})
    try:
        yield {"name": name, "build_id": result["build"]["id"]}
    finally:
        await client.close()
        view = DockerView()
        view.remove_everything_of(name)
        view.client.close()


def dashboard_pages(installed: dict) -> dict[str, str]:
    return {
        "tools": "/",
        "install": "/install",
        "tool": f"/tools/{installed['name']}",
        "builds": "/builds",
        "build": f"/builds/{quote(installed['build_id'], safe='')}",
        "tokens": "/tokens",
        "users": "/admin/users",
        "system": "/system",
        "not-found": "/no/such/page",
    }


async def check_page(page: Page, path: str, label: str) -> None:
    for width in (1280, 360):
        await page.set_viewport_size({"width": width, "height": 900})
        await page.goto(path)
        await expect(page.get_by_role("main")).to_be_visible()
        await expect(page.get_by_role("heading", level=1)).to_be_visible()
        await page.wait_for_load_state("networkidle")
        await screenshot(page, f"{label}-{width}")
        assert await horizontal_overflow(page) == 0, f"{path} scrolls sideways at {width} px"
        assert await serious_accessibility_violations(page) == [], path


async def test_every_page_fits_a_phone_and_a_desktop_and_is_accessible_for_an_admin(
    page: Page, installed: dict
) -> None:
    await page.goto("/")
    await sign_in_on_page(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    for label, path in dashboard_pages(installed).items():
        await check_page(page, path, f"admin-{label}")


async def test_a_viewer_sees_every_page_without_a_control_that_would_fail(
    page: Page, installed: dict, role_tokens: dict[str, dict]
) -> None:
    await page.goto("/")
    await sign_in_on_page(page, "viewer-user", ROLE_PASSWORD)
    await expect(page.get_by_role("link", name="Install tool")).to_have_count(0)
    await expect(page.get_by_role("link", name="Users")).to_have_count(0)
    for label, path in dashboard_pages(installed).items():
        await check_page(page, path, f"viewer-{label}")
        for action in ALL_ACTIONS:
            await expect(page.get_by_role("button", name=action, exact=True)).to_have_count(0)

    await page.goto(f"/tools/{installed['name']}")
    await expect(page.get_by_text("RUNNING", exact=True).first).to_be_visible()
    await expect(page.get_by_role("region", name="Container output")).to_have_count(0)
    await expect(page.get_by_role("textbox")).to_have_count(0)  # no editor of any kind
    await page.goto("/install")
    await expect(page.get_by_label("Repository URL")).to_have_count(0)


async def test_every_control_of_the_tool_page_is_reachable_by_keyboard(
    page: Page, installed: dict
) -> None:
    await page.goto(f"/tools/{installed['name']}")
    await sign_in_on_page(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    await expect(page.get_by_role("button", name="Stop", exact=True)).to_be_visible()
    reached: set[str] = set()
    for _ in range(80):
        await page.keyboard.press("Tab")
        name = await page.evaluate(
            "() => document.activeElement?.getAttribute('aria-label')"
            " || document.activeElement?.textContent?.trim() || ''"
        )
        reached.add(name)
    for action in ("Stop", "Restart", "Update", "Rebuild", "Uninstall"):
        assert action in reached, (action, sorted(reached))

"""A person installs, watches, stops and uninstalls a tool from the dashboard, in a real
Chromium against a real server and the real Docker engine."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, WebSocketRoute, expect

from tests.e2e.browser.session import sign_in_on_page
from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME
from tests.e2e.server import GraphQLClient
from tests.e2e.tools import ToolsApi, unique_name
from tests.fixtures.repos import THREE_MISTAKES, make_chatty_tool_repo, make_tool_repo

pytestmark = [pytest.mark.timeout(300), pytest.mark.docker]

ALL_LINES = """query($id: ID!, $after: Int!) {
  build(id: $id) { logLines(after: $after, first: 1000) { seq text } } }"""


@pytest.fixture
def api(client: GraphQLClient, role_tokens: dict[str, dict]) -> ToolsApi:
    return ToolsApi(client, role_tokens["ADMIN"]["accessToken"])


async def stored_log(api: ToolsApi, build_id: str) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    while True:
        data = await api.run(ALL_LINES, {"id": build_id, "after": lines[-1][0] if lines else 0})
        page = [(line["seq"], line["text"]) for line in data["build"]["logLines"]]
        if not page:
            return lines
        lines.extend(page)


async def open_install_form(page: Page) -> None:
    await page.goto("/")
    await sign_in_on_page(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    await page.get_by_role("link", name="Install tool").first.click()
    await expect(page.get_by_label("Repository URL")).to_be_visible()


async def test_check_shows_the_plan_of_the_busybox_tool(page: Page, tmp_path: Path) -> None:
    name = unique_name("plan")
    repo = make_tool_repo(tmp_path, name=name)
    await open_install_form(page)
    await page.get_by_label("Repository URL").fill(repo.url)
    await page.get_by_label("Ref").fill("main")
    await page.get_by_role("button", name="Check").click()
    plan = page.locator("main")
    await expect(plan).to_contain_text(f"machete/{name}", timeout=30_000)
    await expect(plan).to_contain_text("8080")
    await expect(plan).to_contain_text("/health")
    await expect(plan).to_contain_text("GREETING")


async def test_a_manifest_with_three_mistakes_shows_three_errors_with_their_lines(
    page: Page, tmp_path: Path
) -> None:
    repo = make_tool_repo(tmp_path, name=unique_name("bad"), manifest=THREE_MISTAKES)
    await open_install_form(page)
    await page.get_by_label("Repository URL").fill(repo.url)
    await page.get_by_role("button", name="Check").click()
    errors = page.get_by_role("alert").filter(has_text="line")
    await expect(errors.locator("li")).to_have_count(3, timeout=30_000)
    texts = await errors.locator("li").all_inner_texts()
    found = [re.search(r"line (\d+)", t) for t in texts]
    assert [match.group(1) if match else None for match in found] == ["1", "4", "7"]
    assert 'did you mean "port"' in texts[1]
    await expect(page.get_by_label("Repository URL")).to_have_value(repo.url)  # nothing lost


async def test_install_streams_the_log_live_resumes_after_a_dropped_socket_and_runs(
    page: Page, tmp_path: Path, api: ToolsApi, cleanup_tools: list[str]
) -> None:
    name = unique_name("web")
    cleanup_tools.append(name)
    repo = make_chatty_tool_repo(tmp_path, lines=200, pause="0.03", name=name)
    sockets: list[WebSocketRoute] = []

    def relay(socket: WebSocketRoute) -> None:
        socket.connect_to_server()  # forwards both ways; kept so the test can cut it
        sockets.append(socket)

    await page.route_web_socket(re.compile(r"/graphql$"), relay)
    await open_install_form(page)
    await page.get_by_label("Repository URL").fill(repo.url)
    await page.get_by_label("Name").fill(name)
    await page.get_by_role("button", name="Install").click()

    log = page.get_by_role("region", name="Build log")
    await expect(log).to_contain_text("chatty 2", timeout=30_000)
    await sockets[-1].close(code=1012, reason="dropped by the test")
    await expect(log.get_by_role("status").filter(has_text="reconnecting")).to_be_visible()
    await expect(log).to_contain_text("chatty 200", timeout=60_000)
    await expect(log.get_by_text("reconnecting")).to_have_count(0)
    assert len(sockets) >= 2  # it really reconnected

    build_id = (
        await api.run("query($n: String!) { tool(name: $n) { latestBuild { id } } }", {"n": name})
    )["tool"]["latestBuild"]["id"]
    await api.wait_for_build(build_id)
    stored = await stored_log(api, build_id)
    await expect(log).to_contain_text(f"{len(stored):,} lines")  # the viewer holds them all
    async with page.expect_download() as download:
        await log.get_by_role("button", name="Download raw log").click()
    saved = Path(await (await download.value).path())
    shown = await asyncio.to_thread(saved.read_text)
    assert shown == "".join(f"{text}\n" for _, text in stored)  # no gap, no duplicate
    assert [seq for seq, _ in stored] == list(range(1, len(stored) + 1))

    await page.goto("/")
    card = page.get_by_role("article").filter(has=page.get_by_role("heading", name=name))
    await expect(card.get_by_text("RUNNING", exact=True)).to_be_visible(timeout=60_000)
    link = card.get_by_role("link", name=re.compile(f"Open {name}"))
    async with httpx.AsyncClient() as http:
        href = await link.get_attribute("href")
        assert href is not None
        assert (await http.get(href + "/health")).status_code == 200


async def test_stop_then_uninstall_from_the_tool_page(
    page: Page, tmp_path: Path, api: ToolsApi, cleanup_tools: list[str]
) -> None:
    name = unique_name("ops")
    cleanup_tools.append(name)
    repo = make_tool_repo(tmp_path, name=name)
    installed = await api.install(repoUrl=repo.url, name=name)
    await api.wait_for_build(installed["build"]["id"])
    await page.goto(f"/tools/{name}")
    await sign_in_on_page(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    status = page.get_by_role("main")
    await expect(status.get_by_text("RUNNING", exact=True).first).to_be_visible(timeout=60_000)

    await page.get_by_role("button", name="Stop", exact=True).click()
    await expect(status.get_by_text("STOPPED", exact=True).first).to_be_visible(timeout=30_000)
    stopped = await api.tool(installed["tool"]["id"])
    assert stopped is not None and stopped["status"] == "STOPPED"

    await page.get_by_role("button", name="Uninstall", exact=True).click()
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_label("Keep data")).not_to_be_checked()
    await dialog.get_by_role("button", name="Confirm uninstall").click()
    await expect(page).to_have_url(re.compile(r"/$"), timeout=30_000)
    await expect(page.get_by_role("heading", name=name)).to_have_count(0, timeout=30_000)
    assert await api.tool(installed["tool"]["id"]) is None

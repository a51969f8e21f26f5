"""A person opens tools through the real gateway in a real Chromium: from the dashboard's link to
`http://<tool>.localhost:<port>/`, through MACHETE's sign-in and back, refused a tool above their
role, and signed out of every tool host by signing out of the dashboard.

One `machete serve` with the embedded gateway (the real Caddy) and two echo tools (the real
Docker engine) for the module; each test is a fresh browser context, that is a person with no
cookies yet, whose every request must stay on the gateway's loopback names.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Request, Response, expect

from tests.e2e.browser.conftest import WIDE
from tests.e2e.browser.pages import (
    GatewayTraffic,
    screenshot,
    serious_accessibility_violations,
    watch_context,
)
from tests.e2e.browser.session import sign_in_on_page
from tests.e2e.conftest import ROLE_PASSWORD
from tests.e2e.gateway.conftest import GatewayServer, gateway_server
from tests.e2e.gateway.world import GatewayWorld
from tests.e2e.server import GraphQLClient

pytestmark = [pytest.mark.timeout(300), pytest.mark.docker]

SIGN_IN_PATH = "/_machete/sign-in"
CALLBACK_PATH = "/_machete/callback"


@pytest.fixture(scope="module")
async def gateway(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[GatewayServer]:
    async with gateway_server(tmp_path_factory.mktemp("browser-gateway")) as running:
        yield running


@pytest.fixture(scope="module")
async def team(gateway: GatewayServer) -> AsyncIterator[GatewayWorld]:
    client = GraphQLClient(gateway.graphql_url)
    yield await GatewayWorld.create(gateway, client)
    await client.close()


@pytest.fixture(scope="module")
async def tools(
    team: GatewayWorld, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[dict[str, dict]]:
    """An echo tool any viewer may open (the default level) and one for maintainers."""
    root = tmp_path_factory.mktemp("browser-echo-tools")
    yield await team.install_echo_tools(root, "open", ("VIEWER", "MAINTAINER"), "echo")
    team.remove_installed()


class People:
    """Fresh browser contexts on the gateway (each a person with no cookies yet), all watched."""

    def __init__(self, browser: Browser, gateway: GatewayServer) -> None:
        self.browser = browser
        self.dashboard_url = f"http://{gateway.host()}"
        self.traffic = GatewayTraffic(self.dashboard_url)
        self.navigations: list[str] = []  # every page load of every context, redirect hops too
        self.contexts: list[BrowserContext] = []

    async def new_page(self) -> Page:
        context = await self.browser.new_context(viewport=WIDE, base_url=self.dashboard_url)
        context.set_default_timeout(15_000)
        await watch_context(context, self.traffic)
        context.on("request", self._navigated)
        self.contexts.append(context)
        return await context.new_page()

    def _navigated(self, request: Request) -> None:
        if request.is_navigation_request():
            self.navigations.append(request.url)

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


@pytest.fixture
async def people(
    browser: Browser, gateway: GatewayServer, tools: dict[str, dict]
) -> AsyncIterator[People]:
    made = People(browser, gateway)
    try:
        yield made
    finally:
        await made.close()
    assert made.traffic.foreign == [], f"requests off the gateway: {made.traffic.foreign}"


@pytest.fixture
async def page(people: People) -> Page:
    return await people.new_page()


def hops(urls: list[str]) -> list[tuple[str, str]]:
    """Page loads as (host, path): the ticket in a callback's query differs every time."""
    return [(urlsplit(url).netloc, urlsplit(url).path) for url in urls]


async def sign_in_for_a_tool(page: Page, username: str) -> None:
    """The dashboard's sign-in form, when a tool sent the browser to it: no dashboard follows,
    the browser goes on to the tool."""
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(ROLE_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()


async def open_from_the_dashboard(page: Page, tool_name: str) -> Page:
    """Click the tool's link on the dashboard's tools page; it opens in a new tab."""
    link = page.get_by_role("link", name=f"Open {tool_name}", exact=True)
    async with page.expect_popup() as popup:
        await link.click()
    return await popup.value


def landing_on(url: str) -> Callable[[Response], bool]:
    """The load of `url` that the sign-in callback redirected to (for expect_response)."""

    def matches(response: Response) -> bool:
        came_from = response.request.redirected_from
        return (
            response.url == url
            and came_from is not None
            and urlsplit(came_from.url).path == CALLBACK_PATH
        )

    return matches


async def test_a_viewer_follows_a_tools_link_from_the_dashboard_through_sign_in_to_the_tool(
    page: Page, people: People, gateway: GatewayServer, team: GatewayWorld, tools: dict[str, dict]
) -> None:
    name = tools["VIEWER"]["name"]
    viewer = team.members["VIEWER"]
    await page.goto("/")
    await sign_in_on_page(page, viewer.username, ROLE_PASSWORD)
    link = page.get_by_role("link", name=f"Open {name}", exact=True)
    assert await link.get_attribute("href") == gateway.tool_url(name)

    people.navigations.clear()
    tab = await open_from_the_dashboard(page, name)
    await expect(tab).to_have_url(gateway.tool_url(name), timeout=30_000)
    await expect(tab.locator("body")).to_have_text("VIEWER echo")
    await screenshot(tab, "gateway-viewer-landed-on-the-tool")
    tool_host, dashboard_host = gateway.host(name), gateway.host()
    assert hops(people.navigations) == [
        (tool_host, "/"),  # no pass on the tool's host yet: the gateway redirects
        (dashboard_host, SIGN_IN_PATH),  # signed in there already: a ticket, no form
        (tool_host, CALLBACK_PATH),  # the ticket spent for the host's pass
        (tool_host, "/"),
    ]

    passes = await tab.context.cookies(gateway.tool_url(name))
    assert [(c["name"], c["httpOnly"], c["sameSite"]) for c in passes] == [
        ("machete_tool_session", True, "Lax")
    ]
    echoed = await tab.goto(gateway.tool_url(name, "/cgi-bin/echo"))
    assert echoed is not None and echoed.status == 200
    seen = (await echoed.json())["headers"]
    assert (seen["x-machete-user"], seen["x-machete-role"]) == (viewer.username, "VIEWER")
    assert "cookie" not in seen and "authorization" not in seen  # the pass stays MACHETE's


async def test_a_tool_opened_directly_sends_the_browser_to_sign_in_and_back_to_the_same_page(
    page: Page, gateway: GatewayServer, team: GatewayWorld, tools: dict[str, dict]
) -> None:
    name = tools["VIEWER"]["name"]
    asked = gateway.tool_url(name, "/cgi-bin/echo/some/path?week=3")
    await page.goto(asked)
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    sign_in = urlsplit(page.url)
    assert (sign_in.netloc, sign_in.path) == (gateway.host(), SIGN_IN_PATH)
    assert parse_qs(sign_in.query)["return_to"] == [asked]
    await expect(page.get_by_text(f"Sign in to open {gateway.host(name)}.")).to_be_visible()
    await screenshot(page, "gateway-sign-in-to-open-a-tool")
    assert await serious_accessibility_violations(page) == []

    async with page.expect_response(landing_on(asked), timeout=30_000) as landed:
        await sign_in_for_a_tool(page, team.members["VIEWER"].username)
    assert (await landed.value).status == 200
    await expect(page).to_have_url(asked)
    echoed = json.loads(await page.locator("body").inner_text())
    assert echoed["uri"] == "/cgi-bin/echo/some/path?week=3"
    assert echoed["headers"]["x-machete-user"] == team.members["VIEWER"].username


async def test_a_viewer_gets_the_403_page_for_a_maintainer_tool_which_a_maintainer_opens(
    page: Page, people: People, gateway: GatewayServer, team: GatewayWorld, tools: dict[str, dict]
) -> None:
    url = gateway.tool_url(tools["MAINTAINER"]["name"])
    await page.goto("/")
    await sign_in_on_page(page, team.members["VIEWER"].username, ROLE_PASSWORD)
    async with page.expect_response(landing_on(url), timeout=30_000) as refused:
        await page.goto(url)  # through sign-in on its host first (it has no pass yet)
    await expect(page).to_have_url(url)
    assert (await refused.value).status == 403
    await expect(page.get_by_role("heading", name="Access refused")).to_be_visible()
    await expect(page.get_by_text("needs the MAINTAINER role")).to_be_visible()
    await expect(page.get_by_role("link", name="Back to MACHETE")).to_have_attribute(
        "href", f"http://{gateway.host()}/"
    )
    await expect(page.get_by_text("MAINTAINER echo")).to_have_count(0)
    await screenshot(page, "gateway-viewer-refused-a-maintainer-tool")
    assert await serious_accessibility_violations(page) == []

    maintainer = await people.new_page()
    await maintainer.goto(url)
    async with maintainer.expect_response(landing_on(url), timeout=30_000) as opened:
        await sign_in_for_a_tool(maintainer, team.members["MAINTAINER"].username)
    assert (await opened.value).status == 200
    await expect(maintainer.locator("body")).to_have_text("MAINTAINER echo")


async def test_signing_out_of_the_dashboard_ends_the_tool_hosts_pass(
    page: Page, gateway: GatewayServer, team: GatewayWorld, tools: dict[str, dict]
) -> None:
    name = tools["VIEWER"]["name"]
    await page.goto("/")
    await sign_in_on_page(page, team.members["VIEWER"].username, ROLE_PASSWORD)
    tab = await open_from_the_dashboard(page, name)
    await expect(tab.locator("body")).to_have_text("VIEWER echo", timeout=30_000)

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    await tab.reload()
    await expect(tab.get_by_role("button", name="Sign in")).to_be_visible()
    sign_in = urlsplit(tab.url)
    assert (sign_in.netloc, sign_in.path) == (gateway.host(), SIGN_IN_PATH)
    await expect(tab.get_by_text(f"Sign in to open {gateway.host(name)}.")).to_be_visible()

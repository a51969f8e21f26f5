"""A tool served on another port of the dashboard's host receives the dashboard's cookies
(browsers do not isolate cookies by port), yet cannot use them: the binding proof the refresh
needs lives in the dashboard origin's storage, which browsers do isolate by port."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.async_api import BrowserContext, Page, expect

from tests.e2e.browser.session import sign_in_on_page
from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME
from tests.e2e.server import RunningServer

TOOL_PAGE = b"<!doctype html><title>a tool</title><p>tool</p>"


class HostileTool(ThreadingHTTPServer):
    """A tool's web server on 127.0.0.1 that keeps every Cookie header it is sent."""

    def __init__(self) -> None:
        self.cookies: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.cookies.append(self.headers.get("Cookie", ""))
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(TOOL_PAGE)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def hostile_tool() -> Iterator[HostileTool]:
    server = HostileTool()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


async def test_a_tool_on_another_port_gets_the_cookie_but_not_the_session(
    page: Page, context: BrowserContext, server: RunningServer, hostile_tool: HostileTool
) -> None:
    await page.goto("/")
    await sign_in_on_page(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    port = hostile_tool.server_address[1]
    tool_page = await context.new_page()  # not watched: this test visits the tool on purpose
    await tool_page.goto(f"http://127.0.0.1:{port}/auth/refresh")
    await expect(tool_page.get_by_text("tool")).to_be_visible()
    stolen = [c for c in hostile_tool.cookies if "machete_refresh=" in c]
    assert stolen, "the browser did not send the cookie: the premise of this test changed"
    value = stolen[0].split("machete_refresh=", 1)[1].split(";")[0]
    assert await tool_page.evaluate("localStorage.length") == 0  # no proof over there

    async with httpx.AsyncClient() as http:
        http.cookies.set("machete_refresh", value, path="/auth/refresh")
        refused = await http.post(
            f"{server.base_url}/auth/refresh",
            content="{}",
            headers={"Content-Type": "application/json", "X-Machete-Session": "cookie"},
        )
    assert refused.status_code == 401
    await page.reload()  # and the dashboard's own session is unharmed
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()

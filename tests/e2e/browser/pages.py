"""What the browser tests do on a page: watch its traffic, check its layout and accessibility,
and save what it looked like."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page, Request, Route, WebSocket

from tests.e2e.browser.chromium import ARTIFACTS, AXE_SCRIPT

SERIOUS = ("serious", "critical")
AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((v) => ["serious", "critical"].includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}"""


@dataclass
class Traffic:
    """Every request a page tried to make anywhere but its own server (all blocked)."""

    origin: str
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def is_own(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        own = urlsplit(self.origin)
        return parts.hostname == own.hostname and parts.port == own.port

    async def route(self, route: Route, request: Request) -> None:
        if self.is_own(request.url):
            await route.continue_()
        else:
            self.foreign.append(request.url)
            await route.abort("blockedbyclient")

    def socket_opened(self, socket: WebSocket) -> None:
        if not self.is_own(socket.url.replace("ws", "http", 1)):
            self.foreign.append(socket.url)


@dataclass
class GatewayTraffic(Traffic):
    """Every request a browser context tried to make anywhere but the gateway: its port on the
    loopback names (127.0.0.1, `localhost` for the dashboard, `<tool>.localhost` for tools).

    Routes see only the first request of a redirect chain, so the later hops are counted from
    the context's requests (they cannot leave loopback anyway: see chromium.py's flags)."""

    def is_own(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        host = parts.hostname or ""
        loopback = host in ("127.0.0.1", "localhost") or host.endswith(".localhost")
        return loopback and parts.port == urlsplit(self.origin).port

    def requested(self, request: Request) -> None:
        if request.redirected_from is not None and not self.is_own(request.url):
            self.foreign.append(request.url)


async def watch_context(context: BrowserContext, traffic: GatewayTraffic) -> None:
    """`watch` for every page of a context, popups (a link's new tab) included."""
    await context.route("**/*", traffic.route)
    context.on("request", traffic.requested)
    context.on("page", lambda page: page.on("websocket", traffic.socket_opened))
    context.on(
        "console",
        lambda message: (
            traffic.console_errors.append(message.text) if message.type == "error" else None
        ),
    )


async def watch(page: Page, traffic: Traffic) -> None:
    await page.route("**/*", traffic.route)
    page.on("websocket", traffic.socket_opened)
    page.on(
        "console",
        lambda message: (
            traffic.console_errors.append(message.text) if message.type == "error" else None
        ),
    )


def artifact_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


async def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=ARTIFACTS / f"{artifact_name(name)}.png", full_page=True)


async def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core (from web/node_modules, nothing fetched) on the page as it is now.

    Evaluated through the DevTools protocol, which the page's CSP (no inline scripts) allows.
    """
    if not await page.evaluate("() => typeof axe !== 'undefined'"):
        await page.evaluate(AXE_SCRIPT.read_text() + "\n;undefined")
    return await page.evaluate(AXE_RUN)


async def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than its viewport (0: no horizontal scrolling)."""
    return await page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )

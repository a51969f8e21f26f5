"""Fixtures of the browser tests: one Chromium per session, a fresh context per test whose
every request off the server's origin is blocked and must not happen at all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, async_playwright

from tests.e2e.browser.chromium import (
    AXE_SCRIPT,
    CHROMIUM,
    FLAGS,
    chromium_available,
)
from tests.e2e.browser.pages import Traffic, watch
from tests.e2e.server import RunningServer
from tests.services import unavailable

WIDE: ViewportSize = {"width": 1280, "height": 900}
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not chromium_available():
        unavailable(f"Chromium at {CHROMIUM}")
    if not AXE_SCRIPT.exists():
        unavailable("axe-core in web/node_modules (run `make web`)")
    async with async_playwright() as playwright:
        # launch() gives Chromium a fresh, throwaway profile of its own.
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=FLAGS, headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def traffic(server: RunningServer) -> Traffic:
    return Traffic(server.base_url)


@pytest.fixture
async def context(
    browser: Browser, server: RunningServer, traffic: Traffic
) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(
        viewport=WIDE, base_url=server.base_url, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        await context.close()
    assert traffic.foreign == [], f"requests off the server: {traffic.foreign}"


@pytest.fixture
async def page(context: BrowserContext, traffic: Traffic) -> Page:
    page = await context.new_page()
    await watch(page, traffic)
    return page

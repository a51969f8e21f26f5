"""Signing in and out in a real Chromium: the session survives a reload (the HttpOnly cookie),
page scripts never see the refresh token, and sign-out ends the session on the server."""

from __future__ import annotations

import asyncio

import httpx
from playwright.async_api import BrowserContext, Page, expect

from tests.e2e.browser.pages import (
    Traffic,
    horizontal_overflow,
    screenshot,
    serious_accessibility_violations,
)
from tests.e2e.browser.session import sign_in_on_page
from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME
from tests.e2e.server import RunningServer


async def test_the_sign_in_page_is_accessible_and_fits_a_phone(page: Page) -> None:
    for width in (1280, 360):
        await page.set_viewport_size({"width": width, "height": 800})
        await page.goto("/")
        await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        await screenshot(page, f"sign-in-{width}")
        assert await horizontal_overflow(page) == 0
        assert await serious_accessibility_violations(page) == []


async def test_wrong_credentials_are_shown_and_the_form_keeps_the_username(page: Page) -> None:
    await page.goto("/")
    await page.get_by_label("Username").fill(ADMIN_USERNAME)
    await page.get_by_label("Password").fill("not the password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("incorrect")
    await expect(page.get_by_label("Username")).to_have_value(ADMIN_USERNAME)


async def test_a_reload_keeps_the_session_and_sign_out_ends_it(
    page: Page, context: BrowserContext, server: RunningServer, traffic: Traffic
) -> None:
    await page.goto("/builds")
    await sign_in_on_page(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    sign_out = page.get_by_role("button", name="Sign out")
    await expect(sign_out).to_be_visible()
    await expect(page).to_have_url(f"{server.base_url}/builds")  # the deep link is kept

    cookies = await context.cookies(f"{server.base_url}/auth/refresh")
    assert [(c["name"], c["httpOnly"], c["sameSite"]) for c in cookies] == [
        ("machete_refresh", True, "Strict")
    ]
    assert await page.evaluate("document.cookie") == ""  # invisible to page scripts
    stored = await page.evaluate("JSON.stringify({...localStorage, ...sessionStorage})")
    assert "mch_rt_" not in stored and "eyJ" not in stored

    await page.reload()
    await expect(sign_out).to_be_visible()
    await expect(page.get_by_text(f"{ADMIN_USERNAME} · ADMIN")).to_be_visible()

    before = await context.cookies(f"{server.base_url}/auth/refresh")
    binding = await page.evaluate("localStorage.getItem('machete.session-binding')")
    await sign_out.click()
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert await context.cookies(f"{server.base_url}/auth/refresh") == []
    async with httpx.AsyncClient() as http:  # the server ended the session, not just the page
        http.cookies.set("machete_refresh", before[0]["value"], path="/auth/refresh")
        after = await http.post(
            f"{server.base_url}/auth/refresh",
            content="{}",
            headers={
                "Content-Type": "application/json",
                "X-Machete-Session": "cookie",
                "X-Machete-Session-Binding": binding,
            },
        )
    assert after.status_code == 401
    await page.reload()
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert traffic.console_errors == [] or all("401" in e for e in traffic.console_errors)


async def test_reloading_again_and_again_and_two_tabs_at_once_keep_the_session(
    page: Page, context: BrowserContext
) -> None:
    """Each load spends the refresh cookie; a load cut short by the next one loses the answer
    (the server's grace for a lost response), and tabs take turns (Web Locks)."""
    await page.goto("/")
    await sign_in_on_page(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    for _ in range(5):  # each load starts a refresh; the next load cuts it short
        await page.goto("/", wait_until="commit")
        await page.wait_for_timeout(30)
    await page.goto("/")
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    second = await context.new_page()
    third = await context.new_page()
    await asyncio.gather(second.goto("/builds"), third.goto("/system"), page.reload())
    for tab in (page, second, third):
        await expect(tab.get_by_role("button", name="Sign out")).to_be_visible()
    await page.reload()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()


async def test_signing_out_in_one_tab_signs_out_the_others(
    page: Page, context: BrowserContext
) -> None:
    await page.goto("/")
    await sign_in_on_page(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    other = await context.new_page()
    await other.goto("/system")
    await expect(other.get_by_role("button", name="Sign out")).to_be_visible()
    await page.get_by_role("button", name="Sign out").click()
    await expect(other.get_by_role("button", name="Sign in")).to_be_visible()

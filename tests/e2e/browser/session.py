"""Signing in through the page itself, as a person would."""

from __future__ import annotations

from playwright.async_api import Page, expect


async def sign_in_on_page(page: Page, username: str, password: str) -> None:
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()

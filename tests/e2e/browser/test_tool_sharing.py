"""A person sets who may open a tool and its custom domains from the tool page, in a real
Chromium against a real server: maintainers choose the access level, admins the domains."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser.pages import serious_accessibility_violations
from tests.e2e.browser.session import sign_in_on_page
from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME, ROLE_PASSWORD
from tests.e2e.server import GraphQLClient, RunningServer
from tests.e2e.tools import ToolsApi, unique_name

pytestmark = pytest.mark.timeout(180)

SHARED = "query($n: String!) { tool(name: $n) { id toolAccess domains } }"


@pytest.fixture
async def api(server: RunningServer, role_tokens: dict[str, dict]) -> AsyncIterator[ToolsApi]:
    client = GraphQLClient(server.graphql_url)
    yield ToolsApi(client, role_tokens["ADMIN"]["accessToken"])
    await client.close()


@pytest.fixture
async def tool_name(api: ToolsApi, tmp_path: Path) -> str:
    """A tool whose source does not exist (its build fails at once; the page is all we need)."""
    name = unique_name("shared")
    installed = await api.install(repoUrl=f"file://{tmp_path / name}.git", name=name)
    assert installed["errors"] == [], installed
    return name


async def stored(api: ToolsApi, name: str) -> tuple[str, list[str]]:
    tool = (await api.run(SHARED, {"n": name}))["tool"]
    return tool["toolAccess"], tool["domains"]


async def test_an_admin_sets_the_access_level_and_a_custom_domain_and_they_stay_saved(
    page: Page, api: ToolsApi, tool_name: str
) -> None:
    await page.goto(f"/tools/{tool_name}")
    await sign_in_on_page(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    access = page.get_by_label("Access", exact=True)
    await expect(access).to_have_value("VIEWER")

    await access.select_option("MAINTAINER")
    await expect(page.get_by_role("status").filter(has_text="Access saved")).to_be_visible()
    assert await stored(api, tool_name) == ("MAINTAINER", [])

    domains = page.get_by_label("Custom domains")
    zone = f"{tool_name}.example.com"  # the e2e server is shared: names of this test only
    await domains.fill("Docs.Example.COM\n\nwiki.localhost\n")
    await page.get_by_role("button", name="Save domains").click()
    refusal = page.locator("#detail-domains-errors")
    await expect(refusal).to_contain_text("'wiki.localhost': Names under localhost")
    await expect(domains).to_have_attribute("aria-invalid", "true")
    assert await stored(api, tool_name) == ("MAINTAINER", [])

    await domains.fill(f"Docs.{zone.upper()}\nkb.{zone}.")
    await page.get_by_role("button", name="Save domains").click()
    await expect(page.get_by_role("status").filter(has_text="Domains saved")).to_be_visible()
    await expect(domains).to_have_value(f"docs.{zone}\nkb.{zone}")  # as stored
    await expect(refusal).to_have_count(0)
    assert await stored(api, tool_name) == ("MAINTAINER", [f"docs.{zone}", f"kb.{zone}"])
    assert await serious_accessibility_violations(page) == []

    await page.reload()
    await expect(page.get_by_label("Access", exact=True)).to_have_value("MAINTAINER")
    await expect(page.get_by_label("Custom domains")).to_have_value(f"docs.{zone}\nkb.{zone}")


async def test_a_domain_of_another_tool_is_refused_next_to_the_editor(
    page: Page, api: ToolsApi, tool_name: str, tmp_path: Path
) -> None:
    other = unique_name("other")
    installed = await api.install(repoUrl=f"file://{tmp_path / other}.git", name=other)
    taken = f"taken.{tool_name}.example.com"
    result = await api.run(
        "mutation($id: ID!, $d: [String!]!) { setToolDomains(input: {id: $id, domains: $d})"
        " { errors { code } } }",
        {"id": installed["tool"]["id"], "d": [taken]},
    )
    assert result["setToolDomains"]["errors"] == []

    await page.goto(f"/tools/{tool_name}")
    await sign_in_on_page(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    await page.get_by_label("Custom domains").fill(taken)
    await page.get_by_role("button", name="Save domains").click()
    await expect(page.locator("#detail-domains-errors")).to_have_text(
        f"{taken} is already a domain of another tool."
    )
    assert await stored(api, tool_name) == ("VIEWER", [])


async def test_a_maintainer_sets_the_access_level_but_only_reads_the_domains(
    page: Page, api: ToolsApi, tool_name: str, role_tokens: dict[str, dict]
) -> None:
    tool_id = (await api.run(SHARED, {"n": tool_name}))["tool"]["id"]
    read_only = f"ro.{tool_name}.example.com"
    await api.run(
        "mutation($id: ID!, $d: [String!]!) { setToolDomains(input: {id: $id, domains: $d})"
        " { errors { code } } }",
        {"id": tool_id, "d": [read_only]},
    )
    await page.goto(f"/tools/{tool_name}")
    await sign_in_on_page(page, "maintainer-user", ROLE_PASSWORD)
    sharing = page.get_by_role("region", name="Sharing")
    await expect(sharing.get_by_text(read_only)).to_be_visible()
    await expect(page.get_by_label("Custom domains")).to_have_count(0)
    await expect(page.get_by_role("button", name="Save domains")).to_have_count(0)

    await page.get_by_label("Access", exact=True).select_option("PUBLIC")
    await expect(page.get_by_role("status").filter(has_text="Access saved")).to_be_visible()
    assert await stored(api, tool_name) == ("PUBLIC", [read_only])


async def test_a_viewer_sees_who_may_open_the_tool_without_a_control(
    page: Page, api: ToolsApi, tool_name: str, role_tokens: dict[str, dict]
) -> None:
    await page.goto(f"/tools/{tool_name}")
    await sign_in_on_page(page, "viewer-user", ROLE_PASSWORD)
    sharing = page.get_by_role("region", name="Sharing")
    await expect(sharing).to_contain_text("Viewers: every signed-in user")
    await expect(sharing).to_contain_text("No custom domains.")
    await expect(page.get_by_label("Access", exact=True)).to_have_count(0)
    await expect(sharing.get_by_role("combobox")).to_have_count(0)

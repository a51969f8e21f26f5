"""Who may open a tool and on which names, over the API: `toolAccess` (maintainers and admins)
and custom `domains` (admins), with every refusal in the payload naming what is at fault."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME, sign_in
from tests.e2e.gateway.servers import gateway_server
from tests.e2e.server import GraphQLClient, error_codes
from tests.e2e.tools import ERRORS, ToolsApi, unique_name
from tests.fixtures.repos import make_tool_repo

pytestmark = pytest.mark.timeout(120)

FIELDS = "id name url hostPort toolAccess domains"
INSTALL = f"""mutation($input: InstallToolInput!) {{
  installTool(input: $input) {{ tool {{ {FIELDS} }} {ERRORS} }} }}"""
SET_ACCESS = f"""mutation($id: ID!, $access: ToolAccess!) {{
  setToolAccess(input: {{id: $id, toolAccess: $access}}) {{ tool {{ {FIELDS} }} {ERRORS} }} }}"""
SET_DOMAINS = f"""mutation($id: ID!, $domains: [String!]!) {{
  setToolDomains(input: {{id: $id, domains: $domains}}) {{ tool {{ {FIELDS} }} {ERRORS} }} }}"""
TOOL = f"query($id: ID!) {{ tool(id: $id) {{ {FIELDS} }} }}"


async def read(api: ToolsApi, tool_id: str) -> dict[str, Any]:
    tool = (await api.run(TOOL, {"id": tool_id}))["tool"]
    assert tool is not None
    return tool


def apis(client: GraphQLClient, role_tokens: dict[str, dict]) -> dict[str, ToolsApi]:
    return {role: ToolsApi(client, s["accessToken"]) for role, s in role_tokens.items()}


async def installed(api: ToolsApi, tmp_path: Path, **input: Any) -> dict[str, Any]:
    """A tool whose source does not exist: its build fails at once, the tool stays."""
    name = unique_name("exposed")
    missing = f"file://{tmp_path / name}.git"
    payload = await api.run(INSTALL, {"input": {"repoUrl": missing, "name": name, **input}})
    assert payload["installTool"]["errors"] == [], payload
    return payload["installTool"]["tool"]


async def test_a_tool_opens_to_the_level_it_was_installed_with_and_maintainers_change_it(
    client: GraphQLClient, role_tokens: dict[str, dict], tmp_path: Path
) -> None:
    api = apis(client, role_tokens)
    default = await installed(api["MAINTAINER"], tmp_path)
    guarded = await installed(api["MAINTAINER"], tmp_path, toolAccess="ADMIN")
    assert (default["toolAccess"], default["domains"]) == ("VIEWER", [])
    assert guarded["toolAccess"] == "ADMIN"
    # With the gateway off, the URL is the container's own address, as before the gateway.
    assert default["url"] == f"http://127.0.0.1:{default['hostPort']}"

    opened = await api["MAINTAINER"].run(SET_ACCESS, {"id": guarded["id"], "access": "PUBLIC"})
    assert opened["setToolAccess"] == {"tool": {**guarded, "toolAccess": "PUBLIC"}, "errors": []}
    by_admin = await api["ADMIN"].run(SET_ACCESS, {"id": guarded["id"], "access": "MAINTAINER"})
    assert by_admin["setToolAccess"]["tool"]["toolAccess"] == "MAINTAINER"
    assert await read(api["VIEWER"], guarded["id"]) == {**guarded, "toolAccess": "MAINTAINER"}

    refused = await client.execute(
        SET_ACCESS,
        {"id": guarded["id"], "access": "PUBLIC"},
        role_tokens["VIEWER"]["accessToken"],
    )
    assert error_codes(refused) == ["FORBIDDEN"]
    unknown = await client.execute(
        SET_ACCESS, {"id": guarded["id"], "access": "EVERYONE"}, api["ADMIN"].token
    )
    assert unknown["data"] is None  # not a level: refused by the schema
    assert "does not exist in 'ToolAccess' enum" in unknown["errors"][0]["message"]


async def test_admins_set_custom_domains_and_each_bad_one_is_named(
    client: GraphQLClient, role_tokens: dict[str, dict], tmp_path: Path
) -> None:
    api = apis(client, role_tokens)
    wiki = await installed(api["MAINTAINER"], tmp_path)
    docs = await installed(api["MAINTAINER"], tmp_path)

    bad = ["ok.example.com", "wiki.localhost", "*.example.com", "10.1.2.3"]
    refused = await api["ADMIN"].run(SET_DOMAINS, {"id": wiki["id"], "domains": bad})
    errors = refused["setToolDomains"]["errors"]
    assert refused["setToolDomains"]["tool"] is None
    assert [(e["code"], e["field"]) for e in errors] == [
        ("INVALID_INPUT", ["input", "domains", "1"]),
        ("INVALID_INPUT", ["input", "domains", "2"]),
        ("INVALID_INPUT", ["input", "domains", "3"]),
    ]
    assert errors[0]["message"].startswith("'wiki.localhost': Names under localhost")

    # The e2e server is shared: names of this test only.
    zone = f"{wiki['name']}.example.com"
    given = [f"Wiki.{zone.upper()}.", f"kb.{zone}", f"wiki.{zone}"]
    saved = await api["ADMIN"].run(SET_DOMAINS, {"id": wiki["id"], "domains": given})
    assert saved["setToolDomains"] == {
        "tool": {**wiki, "domains": [f"kb.{zone}", f"wiki.{zone}"]},
        "errors": [],
    }
    taken = await api["ADMIN"].run(
        SET_DOMAINS, {"id": docs["id"], "domains": [f"docs.{zone}", f"KB.{zone}"]}
    )
    assert taken["setToolDomains"]["errors"] == [
        {
            "code": "NAME_TAKEN",
            "message": f"kb.{zone} is already a domain of another tool.",
            "field": ["input", "domains"],
            "line": None,
        }
    ]
    assert (await read(api["VIEWER"], docs["id"]))["domains"] == []

    for role in ("MAINTAINER", "VIEWER"):
        result = await client.execute(
            SET_DOMAINS, {"id": docs["id"], "domains": []}, role_tokens[role]["accessToken"]
        )
        assert error_codes(result) == ["FORBIDDEN"], role
    cleared = await api["ADMIN"].run(SET_DOMAINS, {"id": wiki["id"], "domains": []})
    assert cleared["setToolDomains"]["tool"]["domains"] == []


@pytest.mark.docker
async def test_through_the_gateway_a_tool_answers_on_its_name_and_its_custom_domain(
    tmp_path: Path, cleanup_tools: list[str]
) -> None:
    name = unique_name("routed")
    cleanup_tools.append(name)
    repo = make_tool_repo(tmp_path / "repo", name=name)
    (tmp_path / "server").mkdir()
    # A gateway server of its own (its Caddy is stopped afterwards), with another base domain.
    async with gateway_server(tmp_path / "server", MACHETE_BASE_DOMAIN="tools.test") as gateway:
        server = gateway.running
        client = GraphQLClient(server.graphql_url)
        try:
            token = (await sign_in(client, ADMIN_USERNAME, ADMIN_PASSWORD))["accessToken"]
            admin = ToolsApi(client, token)
            tool = (await admin.install(repoUrl=repo.url, name=name))["tool"]
            await admin.wait_for_status(tool["id"], {"RUNNING"})
            opened = await admin.run(SET_ACCESS, {"id": tool["id"], "access": "PUBLIC"})
            domains = {"id": tool["id"], "domains": ["Docs.Example.com"]}
            routed = await admin.run(SET_DOMAINS, domains)
            answers = {
                host: await answer_through(server.base_url, host)
                for host in (f"{name}.tools.test", "docs.example.com")
            }
            await admin.run(SET_ACCESS, {"id": tool["id"], "access": "ADMIN"})
            guarded = [
                await answer_through(server.base_url, "docs.example.com"),
                await answer_through(server.base_url, "docs.example.com", token),
            ]
        finally:
            await client.close()
    port = urlsplit(server.base_url).port
    assert opened["setToolAccess"]["tool"]["url"] == f"http://{name}.tools.test:{port}/"
    assert routed["setToolDomains"]["tool"]["domains"] == ["docs.example.com"]
    assert answers == {
        f"{name}.tools.test": (200, '{"status":"healthy"}'),
        "docs.example.com": (200, '{"status":"healthy"}'),
    }
    # Now only admins: the sign-in check refuses a script without a token, lets the admin in.
    assert guarded == [(401, None), (200, '{"status":"healthy"}')]


async def answer_through(
    gateway: str, host: str, token: str | None = None
) -> tuple[int, str | None]:
    """The gateway's answer to GET /health for `host` (sent to its loopback listener). The
    mutations apply the routes before they answer, so no waiting is needed."""
    headers = {"Host": host, **({"Authorization": f"Bearer {token}"} if token else {})}
    async with httpx.AsyncClient(timeout=5, trust_env=False) as http:
        response = await http.get(f"{gateway}/health", headers=headers)
    return response.status_code, response.text.strip() if response.status_code == 200 else None

"""Every field that exists, against ADMIN, MAINTAINER, VIEWER and anonymous callers.

A field the caller may not use at all answers a GraphQL error (UNAUTHENTICATED or FORBIDDEN);
a mutation the caller may use, asked for something its rules refuse, answers a payload error
(written `errors:CODE` below).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.e2e.conftest import CREATE_USER, ROLE_PASSWORD
from tests.e2e.server import GraphQLClient, RunningServer, error_codes

ROLES = ["ADMIN", "MAINTAINER", "VIEWER", "ANONYMOUS"]
OK, UNAUTH, FORBID = "OK", "UNAUTHENTICATED", "FORBIDDEN"


def outcome(result: dict[str, Any], field: str) -> str:
    codes = error_codes(result)
    if codes:
        assert len(set(codes)) == 1, result
        return codes[0]
    payload = result["data"][field]
    if isinstance(payload, dict) and payload.get("errors"):
        return f"errors:{payload['errors'][0]['code']}"
    return OK


Case = Callable[[GraphQLClient, str | None, dict], Awaitable[dict[str, Any]]]


async def viewer_query(client: GraphQLClient, token: str | None, ctx: dict) -> dict:
    return await client.execute("{ viewer { id username } }", token=token)


async def admin_user_query(client: GraphQLClient, token: str | None, ctx: dict) -> dict:
    return await client.execute(
        "query($id: ID!) { user(id: $id) { id username email } }", {"id": ctx["admin_id"]}, token
    )


async def own_user_query(client: GraphQLClient, token: str | None, ctx: dict) -> dict:
    own = ctx["own_id"] or ctx["admin_id"]
    return await client.execute("query($id: ID!) { user(id: $id) { id } }", {"id": own}, token)


async def users_query(client: GraphQLClient, token: str | None, ctx: dict) -> dict:
    return await client.execute(
        "{ users(first: 2) { edges { cursor node { username } } pageInfo { hasNextPage } } }",
        token=token,
    )


async def node_query(client: GraphQLClient, token: str | None, ctx: dict) -> dict:
    return await client.execute(
        "query($id: ID!) { node(id: $id) { id ... on User { username } } }",
        {"id": ctx["admin_id"]},
        token,
    )


async def system_query(client: GraphQLClient, token: str | None, ctx: dict) -> dict:
    return await client.execute(
        "{ system { version mode database { dialect reachable } docker { reachable version networkMode }"
        " git { version } worker { concurrency runningBuilds } } }",
        token=token,
    )


async def create_user_mutation(client: GraphQLClient, token: str | None, ctx: dict) -> dict:
    name = ctx["fresh"]()
    return await client.execute(
        CREATE_USER,
        {"u": name, "e": f"{name}@example.com", "p": ROLE_PASSWORD, "r": "VIEWER"},
        token,
    )


async def update_other_user_mutation(client: GraphQLClient, token: str | None, ctx: dict) -> dict:
    return await client.execute(
        "mutation($id: ID!) { updateUser(input: {id: $id, role: MAINTAINER}) "
        "{ user { role } errors { code } } }",
        {"id": ctx["target_id"]},
        token,
    )


async def create_api_token_mutation(client: GraphQLClient, token: str | None, ctx: dict) -> dict:
    return await client.execute(
        'mutation { createApiToken(input: {name: "matrix"}) { token errors { code } } }',
        token=token,
    )


async def revoke_api_token_mutation(client: GraphQLClient, token: str | None, ctx: dict) -> dict:
    return await client.execute(
        "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { id } errors { code } } }",
        {"id": ctx["admin_api_token_id"]},
        token,
    )


async def sign_in_mutation(client: GraphQLClient, token: str | None, ctx: dict) -> dict:
    return await client.execute(
        'mutation($p: String!) { signIn(input: {username: "viewer-user", password: $p}) '
        "{ accessToken errors { code } } }",
        {"p": ROLE_PASSWORD},
        token=token,
    )


MISSING_TOOL_ID = "VG9vbDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA"  # Tool:<nil uuid>
MISSING_BUILD_ID = "QnVpbGQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw"  # Build:<nil uuid>
READERS = {**dict.fromkeys(ROLES[:3], OK), "ANONYMOUS": UNAUTH}


def query_case(document: str) -> Case:
    async def run(client: GraphQLClient, token: str | None, ctx: dict) -> dict:
        return await client.execute(document, token=token)

    return run


def operator_expectations(payload_outcome: str) -> dict[str, str]:
    """MAINTAINER and ADMIN may call it (and get `payload_outcome`); VIEWER may not."""
    return {
        "ADMIN": payload_outcome,
        "MAINTAINER": payload_outcome,
        "VIEWER": FORBID,
        "ANONYMOUS": UNAUTH,
    }


def tool_operation(mutation: str, arguments: str, selection: str = "tool { id }") -> Case:
    return query_case(
        f"mutation {{ {mutation}(input: {{{arguments}}}) {{ {selection} errors {{ code }} }} }}"
    )


ON_MISSING_TOOL = f'id: "{MISSING_TOOL_ID}"'
TOOL_CASES: dict[str, tuple[str, Case, dict[str, str]]] = {
    "tools": ("tools", query_case("{ tools(first: 5) { edges { node { id } } } }"), READERS),
    "tool(name)": ("tool", query_case('{ tool(name: "nope") { id } }'), READERS),
    "build": ("build", query_case(f'{{ build(id: "{MISSING_BUILD_ID}") {{ id }} }}'), READERS),
    "builds": ("builds", query_case("{ builds(first: 5) { edges { node { id } } } }"), READERS),
    "validateManifest": (
        "validateManifest",
        tool_operation("validateManifest", 'repoUrl: "ext::sh -c true"', "plan { name }"),
        operator_expectations("errors:INVALID_REPO_URL"),
    ),
    "installTool": (
        "installTool",
        tool_operation("installTool", 'repoUrl: "ext::sh -c true"'),
        operator_expectations("errors:INVALID_REPO_URL"),
    ),
    **{
        mutation: (
            mutation,
            tool_operation(mutation, ON_MISSING_TOOL + extra),
            operator_expectations("errors:NOT_FOUND"),
        )
        for mutation, extra in [
            ("updateTool", ""),
            ("rebuildTool", ""),
            ("startTool", ""),
            ("stopTool", ""),
            ("restartTool", ""),
            ("uninstallTool", ""),
            ("rollbackTool", f', buildId: "{MISSING_BUILD_ID}"'),
            ("setToolEnvironment", ", environment: []"),
            ("setToolSecret", ', name: "TOKEN", value: "x"'),
            ("deleteToolSecret", ', name: "TOKEN"'),
            ("setToolAccess", ", toolAccess: PUBLIC"),
        ]
    },
    "setToolDomains": (
        "setToolDomains",
        tool_operation("setToolDomains", ON_MISSING_TOOL + ', domains: ["a.example.com"]'),
        {"ADMIN": "errors:NOT_FOUND", "MAINTAINER": FORBID, "VIEWER": FORBID, "ANONYMOUS": UNAUTH},
    ),
    "cancelBuild": (
        "cancelBuild",
        tool_operation("cancelBuild", f'id: "{MISSING_BUILD_ID}"', "build { id }"),
        operator_expectations("errors:NOT_FOUND"),
    ),
}


MATRIX: dict[str, tuple[str, Case, dict[str, str]]] = {
    **TOOL_CASES,
    "viewer": ("viewer", viewer_query, dict.fromkeys(ROLES, OK)),
    "user(other)": (
        "user",
        admin_user_query,
        {"ADMIN": OK, "MAINTAINER": FORBID, "VIEWER": FORBID, "ANONYMOUS": UNAUTH},
    ),
    "user(self)": ("user", own_user_query, {**dict.fromkeys(ROLES[:3], OK), "ANONYMOUS": UNAUTH}),
    "users": (
        "users",
        users_query,
        {"ADMIN": OK, "MAINTAINER": FORBID, "VIEWER": FORBID, "ANONYMOUS": UNAUTH},
    ),
    "node(other user)": (
        "node",
        node_query,
        {"ADMIN": OK, "MAINTAINER": FORBID, "VIEWER": FORBID, "ANONYMOUS": UNAUTH},
    ),
    "system": ("system", system_query, {**dict.fromkeys(ROLES[:3], OK), "ANONYMOUS": UNAUTH}),
    "createUser": (
        "createUser",
        create_user_mutation,
        {"ADMIN": OK, "MAINTAINER": FORBID, "VIEWER": FORBID, "ANONYMOUS": UNAUTH},
    ),
    "updateUser(other)": (
        "updateUser",
        update_other_user_mutation,
        {
            "ADMIN": OK,
            "MAINTAINER": "errors:FORBIDDEN",
            "VIEWER": "errors:FORBIDDEN",
            "ANONYMOUS": UNAUTH,
        },
    ),
    "createApiToken": (
        "createApiToken",
        create_api_token_mutation,
        {**dict.fromkeys(ROLES[:3], OK), "ANONYMOUS": UNAUTH},
    ),
    "revokeApiToken(admin's)": (
        "revokeApiToken",
        revoke_api_token_mutation,
        {
            "ADMIN": OK,
            "MAINTAINER": "errors:NOT_FOUND",
            "VIEWER": "errors:NOT_FOUND",
            "ANONYMOUS": UNAUTH,
        },
    ),
    "signIn": ("signIn", sign_in_mutation, dict.fromkeys(ROLES, OK)),
}


@pytest.fixture(scope="module")
async def matrix_context(server: RunningServer, role_tokens: dict) -> dict:
    client = GraphQLClient(server.graphql_url)
    admin_token = role_tokens["ADMIN"]["accessToken"]
    counter = iter(range(10_000))
    fresh = lambda: f"matrix-{next(counter)}"  # noqa: E731
    target = await create_user_mutation(client, admin_token, {"fresh": fresh})
    token = await create_api_token_mutation(client, admin_token, {})
    listed = await client.execute("{ viewer { apiTokens { id name } } }", token=admin_token)
    await client.close()
    assert token["data"]["createApiToken"]["errors"] == []
    return {
        "admin_id": role_tokens["ADMIN"]["user"]["id"],
        "target_id": target["data"]["createUser"]["user"]["id"],
        "admin_api_token_id": next(
            t["id"] for t in listed["data"]["viewer"]["apiTokens"] if t["name"] == "matrix"
        ),
        "fresh": fresh,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(MATRIX))
async def test_each_role_gets_exactly_what_it_may(
    client: GraphQLClient, role_tokens: dict, matrix_context: dict, case: str, role: str
) -> None:
    field, run, expected = MATRIX[case]
    session = role_tokens.get(role)
    token = session["accessToken"] if session else None
    context = {**matrix_context, "own_id": session["user"]["id"] if session else None}
    result = await run(client, token, context)
    assert outcome(result, field) == expected[role], result
    if expected[role] == OK and field == "viewer":
        expected_name = session["user"]["username"] if session else None
        assert (result["data"]["viewer"] or {}).get("username") == expected_name


async def test_another_users_api_tokens_are_hidden_even_from_admins(
    client: GraphQLClient, role_tokens: dict
) -> None:
    viewer_id = role_tokens["VIEWER"]["user"]["id"]
    result = await client.execute(
        "query($id: ID!) { user(id: $id) { username apiTokens { id } } }",
        {"id": viewer_id},
        token=role_tokens["ADMIN"]["accessToken"],
    )
    assert result == {"data": {"user": {"username": "viewer-user", "apiTokens": None}}}


async def test_users_pages_with_cursors_and_caps_the_page_size(
    client: GraphQLClient, role_tokens: dict
) -> None:
    token = role_tokens["ADMIN"]["accessToken"]
    query = """query($after: String) { users(first: 1, after: $after) {
        edges { cursor node { username } } pageInfo { hasNextPage endCursor } } }"""
    names, after = [], None
    while True:
        page = (await client.execute(query, {"after": after}, token))["data"]["users"]
        names += [edge["node"]["username"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert names[:3] == ["admin", "maintainer-user", "viewer-user"]
    assert len(names) == len(set(names))
    too_big = await client.execute("{ users(first: 101) { edges { cursor } } }", token=token)
    assert error_codes(too_big) == ["BAD_USER_INPUT"]
    bad_cursor = await client.execute('{ users(after: "nope") { edges { cursor } } }', token=token)
    assert error_codes(bad_cursor) == ["BAD_USER_INPUT"]

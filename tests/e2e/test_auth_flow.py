"""Sign-in, viewer, refresh rotation, API tokens and sign-out against a real server."""

from __future__ import annotations

import httpx

from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME, sign_in
from tests.e2e.server import GraphQLClient, RunningServer, error_codes

VIEWER = "{ viewer { id username role isActive } }"
REFRESH = """
mutation($t: String!) {
  refreshToken(input: {refreshToken: $t}) { accessToken refreshToken user { username } errors { code message } }
}"""
SIGN_OUT = (
    "mutation($t: String!) { signOut(input: {refreshToken: $t}) { errors { code message } } }"
)
CREATE_API_TOKEN = """
mutation($n: String!, $x: DateTime) {
  createApiToken(input: {name: $n, expiresAt: $x}) {
    token apiToken { id name createdAt expiresAt lastUsedAt } errors { code message field }
  }
}"""
REVOKE_API_TOKEN = """
mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { id revokedAt } errors { code } } }"""


async def test_health_and_readiness_probes_answer(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        alive = await http.get(f"{server.base_url}/healthz")
        ready = await http.get(f"{server.base_url}/readyz")
    assert (alive.status_code, alive.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ok", "database": True})


async def test_the_admin_from_the_environment_signs_in_and_is_the_viewer(
    client: GraphQLClient,
) -> None:
    session = await sign_in(client, ADMIN_USERNAME, ADMIN_PASSWORD)
    assert session["user"]["username"] == ADMIN_USERNAME and session["user"]["role"] == "ADMIN"
    assert session["accessTokenExpiresAt"] and session["refreshToken"].startswith("mch_rt_")
    result = await client.execute(VIEWER, token=session["accessToken"])
    assert result == {
        "data": {
            "viewer": {
                "id": session["user"]["id"],
                "username": "admin",
                "role": "ADMIN",
                "isActive": True,
            }
        }
    }


async def test_a_wrong_password_is_a_payload_error_not_an_exception(client: GraphQLClient) -> None:
    result = await client.execute(
        'mutation { signIn(input: {username: "admin", password: "nope-nope-nope"}) '
        "{ accessToken errors { code message field } } }"
    )
    assert result == {
        "data": {
            "signIn": {
                "accessToken": None,
                "errors": [
                    {
                        "code": "INVALID_CREDENTIALS",
                        "message": "Username or password is incorrect.",
                        "field": None,
                    }
                ],
            }
        }
    }


async def test_an_anonymous_viewer_is_null(client: GraphQLClient) -> None:
    assert await client.execute(VIEWER) == {"data": {"viewer": None}}


async def test_refresh_rotates_once_and_a_replay_revokes_the_family(client: GraphQLClient) -> None:
    first = await sign_in(client, ADMIN_USERNAME, ADMIN_PASSWORD)
    rotated = (await client.execute(REFRESH, {"t": first["refreshToken"]}))["data"]["refreshToken"]
    assert rotated["errors"] == [] and rotated["user"] == {"username": "admin"}
    assert (await client.execute(VIEWER, token=rotated["accessToken"]))["data"]["viewer"]
    # The chain moves on (a replay before that could be a lost response's retry: REUSE_GRACE).
    latest = (await client.execute(REFRESH, {"t": rotated["refreshToken"]}))["data"]
    latest = latest["refreshToken"]
    assert latest["errors"] == []

    replay = (await client.execute(REFRESH, {"t": first["refreshToken"]}))["data"]["refreshToken"]
    assert replay["accessToken"] is None
    assert [e["code"] for e in replay["errors"]] == ["INVALID_TOKEN"]
    # The family is gone: the newest refresh token and its access token stop working too.
    again = (await client.execute(REFRESH, {"t": latest["refreshToken"]}))["data"]["refreshToken"]
    assert [e["code"] for e in again["errors"]] == ["INVALID_TOKEN"]
    assert error_codes(await client.execute(VIEWER, token=latest["accessToken"])) == [
        "UNAUTHENTICATED"
    ]


async def test_sign_out_revokes_the_session(client: GraphQLClient) -> None:
    session = await sign_in(client, ADMIN_USERNAME, ADMIN_PASSWORD)
    result = await client.execute(SIGN_OUT, {"t": session["refreshToken"]})
    assert result == {"data": {"signOut": {"errors": []}}}
    assert error_codes(await client.execute(VIEWER, token=session["accessToken"])) == [
        "UNAUTHENTICATED"
    ]
    refreshed = await client.execute(REFRESH, {"t": session["refreshToken"]})
    assert [e["code"] for e in refreshed["data"]["refreshToken"]["errors"]] == ["INVALID_TOKEN"]


async def test_an_api_token_works_as_bearer_until_revoked(
    client: GraphQLClient, role_tokens: dict
) -> None:
    access = role_tokens["VIEWER"]["accessToken"]
    created = (await client.execute(CREATE_API_TOKEN, {"n": "laptop"}, token=access))["data"]
    payload = created["createApiToken"]
    assert payload["errors"] == [] and payload["token"].startswith("mch_pat_")
    assert payload["apiToken"]["name"] == "laptop" and payload["apiToken"]["lastUsedAt"] is None

    viewer = await client.execute(VIEWER, token=payload["token"])
    assert viewer["data"]["viewer"]["username"] == "viewer-user"
    listed = await client.execute("{ viewer { apiTokens { id lastUsedAt } } }", token=access)
    mine = [
        t for t in listed["data"]["viewer"]["apiTokens"] if t["id"] == payload["apiToken"]["id"]
    ]
    assert mine and mine[0]["lastUsedAt"] is not None

    revoked = await client.execute(
        REVOKE_API_TOKEN, {"id": payload["apiToken"]["id"]}, token=access
    )
    assert revoked["data"]["revokeApiToken"]["apiToken"]["revokedAt"] is not None
    assert error_codes(await client.execute(VIEWER, token=payload["token"])) == ["UNAUTHENTICATED"]


async def test_the_api_token_secret_is_never_readable_again(
    client: GraphQLClient, role_tokens: dict
) -> None:
    access = role_tokens["MAINTAINER"]["accessToken"]
    created = await client.execute(CREATE_API_TOKEN, {"n": "once"}, token=access)
    secret = created["data"]["createApiToken"]["token"]
    result = await client.execute(
        "{ viewer { apiTokens { id name createdAt expiresAt lastUsedAt revokedAt } } }",
        token=access,
    )
    assert secret not in str(result)
    bad = await client.execute("{ viewer { apiTokens { token } } }", token=access)
    assert "Cannot query field 'token'" in bad["errors"][0]["message"]


async def test_a_user_changes_their_password_and_old_sessions_end(
    client: GraphQLClient, role_tokens: dict, fresh_name: str
) -> None:
    admin = role_tokens["ADMIN"]["accessToken"]
    from tests.e2e.conftest import CREATE_USER

    created = await client.execute(
        CREATE_USER,
        {
            "u": fresh_name,
            "e": f"{fresh_name}@example.com",
            "p": "first-passphrase-1",
            "r": "VIEWER",
        },
        token=admin,
    )
    user_id = created["data"]["createUser"]["user"]["id"]
    session = await sign_in(client, fresh_name, "first-passphrase-1")
    change = """mutation($id: ID!, $p: String!, $c: String) {
      updateUser(input: {id: $id, password: $p, currentPassword: $c}) { user { id } errors { code field } } }"""
    wrong = await client.execute(
        change,
        {"id": user_id, "p": "second-passphrase-2", "c": "bad"},
        token=session["accessToken"],
    )
    assert wrong["data"]["updateUser"]["errors"] == [
        {"code": "INVALID_CREDENTIALS", "field": ["input", "currentPassword"]}
    ]
    right = await client.execute(
        change,
        {"id": user_id, "p": "second-passphrase-2", "c": "first-passphrase-1"},
        token=session["accessToken"],
    )
    assert right["data"]["updateUser"] == {"user": {"id": user_id}, "errors": []}
    assert error_codes(await client.execute(VIEWER, token=session["accessToken"])) == [
        "UNAUTHENTICATED"
    ]
    await sign_in(client, fresh_name, "second-passphrase-2")


async def test_an_api_token_cannot_mint_more_api_tokens(
    client: GraphQLClient, role_tokens: dict
) -> None:
    access = role_tokens["MAINTAINER"]["accessToken"]
    created = await client.execute(CREATE_API_TOKEN, {"n": "parent"}, token=access)
    secret = created["data"]["createApiToken"]["token"]
    minted = await client.execute(CREATE_API_TOKEN, {"n": "child"}, token=secret)
    assert minted == {
        "data": {
            "createApiToken": {
                "token": None,
                "apiToken": None,
                "errors": [
                    {
                        "code": "FORBIDDEN",
                        "message": "Sign in with a password to create API tokens.",
                        "field": None,
                    }
                ],
            }
        }
    }


async def test_development_serves_graphiql(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        page = await http.get(server.graphql_url, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()

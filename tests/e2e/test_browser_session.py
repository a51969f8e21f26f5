"""The browser's session against a real server: the refresh token only ever in an HttpOnly,
SameSite=Strict cookie on /auth/refresh, spent there under CSRF checks, ended by signOut."""

from __future__ import annotations

from http.cookies import SimpleCookie

import httpx

from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME
from tests.e2e.server import RunningServer

BROWSER = {"X-Machete-Session": "cookie"}
SIGN_IN = """mutation($u: String!, $p: String!) { signIn(input: {username: $u, password: $p}) {
  accessToken refreshToken accessTokenExpiresAt errors { code } } }"""
SIGN_OUT = "mutation { signOut(input: {}) { errors { code field } } }"
VIEWER = "{ viewer { username } }"


def refresh_cookie(response: httpx.Response) -> SimpleCookie:
    cookies = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        cookies.load(header)
    return cookies


async def browser_sign_in(http: httpx.AsyncClient, server: RunningServer) -> httpx.Response:
    variables = {"u": ADMIN_USERNAME, "p": ADMIN_PASSWORD}
    return await http.post(
        server.graphql_url, json={"query": SIGN_IN, "variables": variables}, headers=BROWSER
    )


BINDING = "X-Machete-Session-Binding"


async def refresh(
    http: httpx.AsyncClient, server: RunningServer, binding: str, **headers: str
) -> httpx.Response:
    sent = {"Content-Type": "application/json", **BROWSER, BINDING: binding, **headers}
    return await http.post(f"{server.base_url}/auth/refresh", content="{}", headers=sent)


async def signed_in_browser(http: httpx.AsyncClient, server: RunningServer) -> str:
    """Sign in as a browser would; returns the binding proof the page keeps."""
    response = await browser_sign_in(http, server)
    return response.headers[BINDING]


async def viewer_of(http: httpx.AsyncClient, server: RunningServer, token: str) -> object:
    response = await http.post(
        server.graphql_url, json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
    )
    body = response.json()
    return body["data"]["viewer"] if "errors" not in body else body["errors"][0]["extensions"]


async def test_a_browser_sign_in_sets_the_refresh_token_as_a_strict_http_only_cookie(
    server: RunningServer,
) -> None:
    async with httpx.AsyncClient() as http:
        response = await browser_sign_in(http, server)
    payload = response.json()["data"]["signIn"]
    assert payload["errors"] == [] and payload["accessToken"]
    assert response.headers["cache-control"] == "no-store"
    assert payload["refreshToken"] is None  # never readable by page scripts
    cookie = refresh_cookie(response)["machete_refresh"]
    assert cookie.value.startswith("mch_rb_")  # a browser session's token
    assert len(response.headers[BINDING]) == 64  # the proof that must come with the cookie
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "strict"
    assert cookie["path"] == "/auth/refresh"
    assert not cookie["secure"]  # plain HTTP here; Secure under HTTPS
    assert int(cookie["max-age"]) == 30 * 86400


async def test_other_clients_still_get_the_refresh_token_in_the_body_and_no_cookie(
    server: RunningServer,
) -> None:
    variables = {"u": ADMIN_USERNAME, "p": ADMIN_PASSWORD}
    async with httpx.AsyncClient() as http:
        response = await http.post(
            server.graphql_url, json={"query": SIGN_IN, "variables": variables}
        )
    assert response.json()["data"]["signIn"]["refreshToken"].startswith("mch_rt_")
    assert "set-cookie" not in response.headers


async def test_the_cookie_buys_a_fresh_access_token_and_is_rotated(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        signed_in = await browser_sign_in(http, server)
        first = refresh_cookie(signed_in)["machete_refresh"].value
        response = await refresh(http, server, signed_in.headers[BINDING])
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        body = response.json()
        assert set(body) == {"accessToken", "accessTokenExpiresAt"}
        assert await viewer_of(http, server, body["accessToken"]) == {"username": ADMIN_USERNAME}
        rotated = refresh_cookie(response)["machete_refresh"]
        assert rotated.value != first and rotated["path"] == "/auth/refresh"
        assert http.cookies.get("machete_refresh") == rotated.value


async def test_a_replayed_cookie_ends_the_whole_session(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        signed_in = await browser_sign_in(http, server)
        binding = signed_in.headers[BINDING]
        stolen = refresh_cookie(signed_in)["machete_refresh"].value
        first = await refresh(http, server, binding)
        second = await refresh(http, server, binding)  # the chain moves on
        fresh = second.json()["accessToken"]
        assert first.status_code == second.status_code == 200
        http.cookies.clear()
        http.cookies.set("machete_refresh", stolen, path="/auth/refresh")
        replay = await refresh(http, server, binding)
        assert replay.status_code == 401
        assert replay.json()["error"]["code"] == "INVALID_TOKEN"
        # The session is over: its newest access token too, and the cookie is cleared.
        assert await viewer_of(http, server, fresh) == {"code": "UNAUTHENTICATED"}
        assert 'machete_refresh=""' in replay.headers["set-cookie"]


async def test_cross_site_refresh_attempts_are_refused_without_spending_the_cookie(
    server: RunningServer,
) -> None:
    url = f"{server.base_url}/auth/refresh"
    async with httpx.AsyncClient() as http:
        binding = await signed_in_browser(http, server)
        proof = {BINDING: binding}
        refusals = [
            await http.post(url, content="{}", headers={"Content-Type": "application/json"}),
            await http.post(
                url, content="{}", headers={**BROWSER, **proof, "Content-Type": "text/plain"}
            ),
            await http.post(url, data={"a": "b"}, headers={**BROWSER, **proof}),
            await refresh(http, server, binding, Origin="http://evil.example"),
            await refresh(http, server, binding, Origin="http://127.0.0.1:1"),  # another port
            await refresh(http, server, binding, **{"Sec-Fetch-Site": "cross-site"}),
            await refresh(http, server, binding, **{"Sec-Fetch-Site": "same-site"}),
        ]
        assert [r.status_code for r in refusals] == [403] * 7
        assert {r.json()["error"]["code"] for r in refusals} == {"FORBIDDEN"}
        assert all("set-cookie" not in r.headers for r in refusals)
        same_origin = await refresh(http, server, binding, Origin=server.base_url)
        assert same_origin.status_code == 200  # the cookie was not spent by the refusals


async def test_refresh_without_a_cookie_says_not_signed_in(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        response = await refresh(http, server, "0" * 64)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "INVALID_TOKEN", "message": "Not signed in."}}


async def test_sign_out_with_the_access_token_ends_the_session_and_clears_the_cookie(
    server: RunningServer,
) -> None:
    async with httpx.AsyncClient() as http:
        signed_in = await browser_sign_in(http, server)
        token = signed_in.json()["data"]["signIn"]["accessToken"]
        response = await http.post(
            server.graphql_url,
            json={"query": SIGN_OUT},
            headers={**BROWSER, "Authorization": f"Bearer {token}"},
        )
        assert response.json()["data"]["signOut"] == {"errors": []}
        cleared = refresh_cookie(response)["machete_refresh"]
        assert cleared.value == "" and cleared["path"] == "/auth/refresh"
        assert int(cleared["max-age"]) == 0
        assert await viewer_of(http, server, token) == {"code": "UNAUTHENTICATED"}
        http.cookies.set(
            "machete_refresh",
            refresh_cookie(signed_in)["machete_refresh"].value,
            path="/auth/refresh",
        )
        assert (await refresh(http, server, signed_in.headers[BINDING])).status_code == 401


async def test_sign_out_without_any_session_credential_is_a_payload_error(
    server: RunningServer,
) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(server.graphql_url, json={"query": SIGN_OUT}, headers=BROWSER)
    assert response.json()["data"]["signOut"]["errors"] == [
        {"code": "INVALID_TOKEN", "field": ["input", "refreshToken"]}
    ]
    assert 'machete_refresh=""' in response.headers["set-cookie"]


async def test_the_cookie_alone_refreshes_nothing_where_another_page_of_the_host_got_it(
    server: RunningServer,
) -> None:
    """Cookies are not isolated by port: a tool on 127.0.0.1:<port> receives the cookie, but not
    the binding proof, which lives in the dashboard origin's own storage."""
    async with httpx.AsyncClient() as http:
        binding = await signed_in_browser(http, server)
        cookie = http.cookies["machete_refresh"]
        async with httpx.AsyncClient() as thief:
            thief.cookies.set("machete_refresh", cookie, path="/auth/refresh")
            without = await refresh(thief, server, "")
            guessed = await refresh(thief, server, "0" * 64)
            as_mutation = await thief.post(
                server.graphql_url,
                json={
                    "query": "mutation($t: String!) { refreshToken(input: {refreshToken: $t})"
                    " { accessToken errors { code } } }",
                    "variables": {"t": cookie},
                },
            )
        assert [without.status_code, guessed.status_code] == [401, 401]
        assert as_mutation.json()["data"]["refreshToken"] == {
            "accessToken": None,
            "errors": [{"code": "INVALID_TOKEN"}],
        }
        assert (await refresh(http, server, binding)).status_code == 200  # nothing was spent


async def test_behind_a_tls_proxy_the_cookie_is_secure_and_refresh_works(
    server: RunningServer,
) -> None:
    https_page = {"Origin": server.base_url.replace("http://", "https://")}
    variables = {"u": ADMIN_USERNAME, "p": ADMIN_PASSWORD}
    async with httpx.AsyncClient() as http:
        signed_in = await http.post(
            server.graphql_url,
            json={"query": SIGN_IN, "variables": variables},
            headers={**BROWSER, **https_page},
        )
        assert refresh_cookie(signed_in)["machete_refresh"]["secure"] is True
        token = refresh_cookie(signed_in)["machete_refresh"].value
        http.cookies.set("machete_refresh", token, path="/auth/refresh")
        response = await refresh(http, server, signed_in.headers[BINDING], **https_page)
    assert response.status_code == 200
    assert refresh_cookie(response)["machete_refresh"]["secure"] is True

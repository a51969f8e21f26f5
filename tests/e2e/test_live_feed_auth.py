"""Who may open a live feed, and when a socket is closed on them (4401, 4403, 4408, 4429)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import CREATE_USER, ROLE_PASSWORD, running_server, sign_in
from tests.e2e.live import TOOL_UPDATED, feed_socket
from tests.e2e.server import GraphQLClient, RunningServer

ADMIN, ADMIN_PASSWORD = "feed-admin", "correct-horse-for-feeds"
SIGN_OUT = "mutation($t: String!) { signOut(input: {refreshToken: $t}) { errors { code } } }"
DEACTIVATE = """mutation($id: ID!) {
  updateUser(input: {id: $id, isActive: false}) { errors { code } } }"""
DEMOTE = """mutation($id: ID!) {
  updateUser(input: {id: $id, role: VIEWER}) { errors { code } } }"""
API_TOKEN = """mutation($x: DateTime) {
  createApiToken(input: {name: "feed", expiresAt: $x}) { token errors { code } } }"""


@pytest.fixture(scope="module")
async def strict_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    """Small limits, so each rule shows quickly."""
    async with running_server(
        tmp_path_factory.mktemp("feeds"),
        MACHETE_ADMIN_USERNAME=ADMIN,
        MACHETE_ADMIN_PASSWORD=ADMIN_PASSWORD,
        MACHETE_WS_CONNECTION_INIT_TIMEOUT_SECONDS="1",
        MACHETE_MAX_SUBSCRIPTIONS_PER_CONNECTION="3",
        MACHETE_MAX_CONNECTIONS_PER_USER="2",
        MACHETE_MAX_ANONYMOUS_CONNECTIONS="2",
    ) as server:
        yield server


@pytest.fixture
async def graphql(strict_server: RunningServer) -> AsyncIterator[GraphQLClient]:
    client = GraphQLClient(strict_server.graphql_url)
    yield client
    await client.close()


async def new_user(graphql: GraphQLClient, name: str, role: str = "VIEWER") -> dict:
    """A fresh user's signIn payload."""
    admin = await sign_in(graphql, ADMIN, ADMIN_PASSWORD)
    created = await graphql.execute(
        CREATE_USER,
        {"u": name, "e": f"{name}@example.com", "p": ROLE_PASSWORD, "r": role},
        token=admin["accessToken"],
    )
    assert created["data"]["createUser"]["errors"] == [], created
    return await sign_in(graphql, name, ROLE_PASSWORD)


async def test_subscribing_before_connection_init_closes_the_socket_with_4401(
    strict_server: RunningServer,
) -> None:
    async with feed_socket(strict_server.ws_url, "skip") as feed:
        await feed.subscribe(TOOL_UPDATED, {})
        assert await feed.close_code() == 4401


async def test_a_socket_that_never_sends_connection_init_is_closed_with_4408(
    strict_server: RunningServer,
) -> None:
    async with feed_socket(strict_server.ws_url, "skip") as feed:
        assert await feed.close_code(within=10) == 4408


async def test_an_invalid_token_in_connection_init_closes_the_socket_with_4403(
    strict_server: RunningServer,
) -> None:
    async with feed_socket(strict_server.ws_url, "skip") as feed:
        await feed.send({"type": "connection_init", "payload": {"Authorization": "Bearer nope"}})
        assert await feed.close_code() == 4403


async def test_an_anonymous_socket_may_not_subscribe_to_anything(
    strict_server: RunningServer,
) -> None:
    async with feed_socket(strict_server.ws_url, None) as feed:
        op = await feed.subscribe(TOOL_UPDATED, {})
        message = await feed.first_message_of(op)
    assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_socket_is_closed_with_4403_when_its_token_expires(
    strict_server: RunningServer, graphql: GraphQLClient
) -> None:
    session = await new_user(graphql, "expiring")
    expires = datetime.now(UTC) + timedelta(seconds=3)
    created = await graphql.execute(API_TOKEN, {"x": expires.isoformat()}, session["accessToken"])
    token = created["data"]["createApiToken"]["token"]
    async with feed_socket(strict_server.ws_url, token) as feed:
        await feed.subscribe(TOOL_UPDATED, {})
        assert await feed.close_code(within=30) == 4403
        assert "expired" in (feed.socket.close_reason or "")


async def test_a_socket_is_closed_with_4403_when_its_user_is_deactivated(
    strict_server: RunningServer, graphql: GraphQLClient
) -> None:
    session = await new_user(graphql, "deactivated")
    admin = await sign_in(graphql, ADMIN, ADMIN_PASSWORD)
    async with feed_socket(strict_server.ws_url, session["accessToken"]) as feed:
        await feed.subscribe(TOOL_UPDATED, {})
        result = await graphql.execute(
            DEACTIVATE, {"id": session["user"]["id"]}, admin["accessToken"]
        )
        assert result["data"]["updateUser"]["errors"] == []
        assert await feed.close_code(within=10) == 4403


async def test_a_socket_is_closed_with_4403_when_its_session_signs_out(
    strict_server: RunningServer, graphql: GraphQLClient
) -> None:
    session = await new_user(graphql, "leaving")
    async with feed_socket(strict_server.ws_url, session["accessToken"]) as feed:
        await feed.subscribe(TOOL_UPDATED, {})
        result = await graphql.execute(SIGN_OUT, {"t": session["refreshToken"]})
        assert result["data"]["signOut"]["errors"] == []
        assert await feed.close_code(within=10) == 4403


async def test_other_sockets_of_the_user_stay_open_when_one_session_signs_out(
    strict_server: RunningServer, graphql: GraphQLClient
) -> None:
    first = await new_user(graphql, "twosessions")
    second = await sign_in(graphql, "twosessions", ROLE_PASSWORD)
    async with (
        feed_socket(strict_server.ws_url, first["accessToken"]) as leaving,
        feed_socket(strict_server.ws_url, second["accessToken"]) as staying,
    ):
        await graphql.execute(SIGN_OUT, {"t": first["refreshToken"]})
        assert await leaving.close_code(within=10) == 4403
        await staying.send({"type": "ping"})
        assert await staying.receive() == {"type": "pong"}


async def test_a_connection_holds_at_most_the_allowed_number_of_subscriptions(
    strict_server: RunningServer, graphql: GraphQLClient
) -> None:
    session = await new_user(graphql, "busy")
    async with feed_socket(strict_server.ws_url, session["accessToken"]) as feed:
        for _ in range(3):
            await feed.subscribe(TOOL_UPDATED, {})
        op = await feed.subscribe(TOOL_UPDATED, {})
        message = await feed.first_message_of(op)
    assert message["type"] == "error"
    assert "limit" in message["payload"][0]["message"]


async def test_a_user_holds_at_most_the_allowed_number_of_connections(
    strict_server: RunningServer, graphql: GraphQLClient
) -> None:
    session = await new_user(graphql, "crowd")
    url, token = strict_server.ws_url, session["accessToken"]
    async with feed_socket(url, token), feed_socket(url, token), feed_socket(url, "skip") as third:
        await third.send(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        )
        assert await third.close_code() == 4429
    # Closed connections no longer count.
    await asyncio.sleep(0.5)
    async with feed_socket(url, token) as again:
        await again.send({"type": "ping"})
        assert await again.receive() == {"type": "pong"}


async def test_a_socket_is_closed_with_4403_when_its_users_role_changes(
    strict_server: RunningServer, graphql: GraphQLClient
) -> None:
    session = await new_user(graphql, "demoted", role="MAINTAINER")
    admin = await sign_in(graphql, ADMIN, ADMIN_PASSWORD)
    async with feed_socket(strict_server.ws_url, session["accessToken"]) as feed:
        await feed.subscribe(TOOL_UPDATED, {})
        result = await graphql.execute(DEMOTE, {"id": session["user"]["id"]}, admin["accessToken"])
        assert result["data"]["updateUser"]["errors"] == []
        assert await feed.close_code(within=10) == 4403
        assert "role" in (feed.socket.close_reason or "")


async def test_anonymous_sockets_are_capped_too(strict_server: RunningServer) -> None:
    url = strict_server.ws_url
    async with feed_socket(url, None), feed_socket(url, None), feed_socket(url, "skip") as third:
        await third.send({"type": "connection_init", "payload": {}})
        assert await third.close_code() == 4429

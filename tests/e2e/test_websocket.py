"""GraphQL over WebSocket: `graphql-transport-ws` only, authenticated by `connection_init`."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.e2e.server import GraphQLClient, RunningServer

PROTOCOL = Subprotocol("graphql-transport-ws")


async def receive(socket: websockets.ClientConnection) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), timeout=10))


async def close_code(socket: websockets.ClientConnection) -> int | None:
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(socket.recv(), timeout=10)
    return socket.close_code


async def test_a_query_runs_over_the_socket_with_the_init_payload_token(
    server: RunningServer, role_tokens: dict
) -> None:
    token = role_tokens["MAINTAINER"]["accessToken"]
    async with websockets.connect(server.ws_url, subprotocols=[PROTOCOL]) as socket:
        assert socket.subprotocol == PROTOCOL
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        assert (await receive(socket))["type"] == "connection_ack"
        await socket.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": "{ viewer { username role } }"},
                }
            )
        )
        assert await receive(socket) == {
            "id": "1",
            "type": "next",
            "payload": {"data": {"viewer": {"username": "maintainer-user", "role": "MAINTAINER"}}},
        }
        assert await receive(socket) == {"id": "1", "type": "complete"}


async def test_an_anonymous_socket_is_anonymous_for_protected_fields(
    server: RunningServer,
) -> None:
    async with websockets.connect(server.ws_url, subprotocols=[PROTOCOL]) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert (await receive(socket))["type"] == "connection_ack"
        await socket.send(
            json.dumps(
                {"id": "1", "type": "subscribe", "payload": {"query": "{ system { version } }"}}
            )
        )
        message = await receive(socket)
        assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "authorization", ["Bearer not-a-token", "Token abc", "Bearer mch_pat_unknown"]
)
async def test_a_bad_init_token_closes_the_socket_with_4403(
    server: RunningServer, authorization: str
) -> None:
    async with websockets.connect(server.ws_url, subprotocols=[PROTOCOL]) as socket:
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": authorization}})
        )
        assert await close_code(socket) == 4403


async def test_subscribing_before_init_closes_the_socket_with_4401(server: RunningServer) -> None:
    async with websockets.connect(server.ws_url, subprotocols=[PROTOCOL]) as socket:
        await socket.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{ viewer { id } }"}})
        )
        assert await close_code(socket) == 4401


async def test_the_legacy_graphql_ws_protocol_is_refused_with_4406(server: RunningServer) -> None:
    async with websockets.connect(
        server.ws_url, subprotocols=[Subprotocol("graphql-ws")]
    ) as socket:
        assert socket.subprotocol is None
        assert await close_code(socket) == 4406


async def test_a_signed_out_socket_is_refused_every_operation_and_closed(
    server: RunningServer, client: GraphQLClient
) -> None:
    from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME, sign_in

    session = await sign_in(client, ADMIN_USERNAME, ADMIN_PASSWORD)
    async with websockets.connect(server.ws_url, subprotocols=[PROTOCOL]) as socket:
        await socket.send(
            json.dumps(
                {
                    "type": "connection_init",
                    "payload": {"Authorization": f"Bearer {session['accessToken']}"},
                }
            )
        )
        assert (await receive(socket))["type"] == "connection_ack"
        query = {"query": "{ viewer { username } }"}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": query}))
        assert (await receive(socket))["payload"] == {"data": {"viewer": {"username": "admin"}}}
        assert (await receive(socket))["type"] == "complete"

        signed_out = await client.execute(
            "mutation($t: String!) { signOut(input: {refreshToken: $t}) { errors { code } } }",
            {"t": session["refreshToken"]},
        )
        assert signed_out == {"data": {"signOut": {"errors": []}}}

        # Whichever comes first: the operation is refused, and the socket is closed (4403).
        await socket.send(json.dumps({"id": "2", "type": "subscribe", "payload": query}))
        answers = []
        with pytest.raises(ConnectionClosed):
            while True:
                answers.append(json.loads(await asyncio.wait_for(socket.recv(), timeout=10)))
        assert socket.close_code == 4403
        for answer in answers:
            if answer["type"] == "next":
                codes = [e["extensions"]["code"] for e in answer["payload"]["errors"]]
                assert codes == ["UNAUTHENTICATED"], answer


async def test_a_subscription_sent_over_http_is_refused_with_a_clear_reason(
    server: RunningServer,
) -> None:
    query = 'subscription { buildUpdated(buildId: "QnVpbGQ6eA") { id } }'
    async with httpx.AsyncClient() as http:
        response = await http.post(server.graphql_url, json={"query": query})
    assert response.status_code == 400
    assert "subscription" in response.text.lower()
    assert "Unexpected error" not in response.text

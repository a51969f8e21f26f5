"""Stopping the server closes live sockets with a proper code, after their feeds cleaned up."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from tests.e2e.conftest import sign_in
from tests.e2e.live import TOOL_UPDATED, feed_socket
from tests.e2e.server import GraphQLClient
from tests.e2e.threaded_server import threaded_server

ADMIN, PASSWORD = "stop-admin", "correct-horse-for-stopping"


async def test_stopping_the_server_closes_sockets_with_a_going_away_code_and_ends_every_feed(
    tmp_path: Path,
) -> None:
    async with threaded_server(
        tmp_path,
        "machete_stop",
        admin_username=ADMIN,
        admin_password=PASSWORD,
        worker_concurrency=0,
    ) as server:
        client = GraphQLClient(server.graphql_url)
        token = (await sign_in(client, ADMIN, PASSWORD))["accessToken"]
        await client.close()
        async with feed_socket(server.ws_url, token) as feed:
            await feed.subscribe(TOOL_UPDATED, {})
            await feed.subscribe(TOOL_UPDATED, {})
            await server.wait_for("feeds", 2)
            live = server.live
            await asyncio.to_thread(server.stop)
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(feed.socket.recv(), 10)
            # uvicorn says "service restart" (1012) when it stops; the app says "going away"
            # (1001) when it ends the sockets itself. Either tells clients to come back.
            assert feed.socket.close_code in {1001, 1012}
        assert live.open_feeds == 0, "a feed's finally block did not run"
        assert live.count == 0

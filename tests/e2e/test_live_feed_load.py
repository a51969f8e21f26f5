"""Many subscribers at once against a server running in this process, so its insides can be
counted: every subscriber gets every line, a stalled one is cut off, and nothing leaks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import TOOL_SETTINGS, sign_in
from tests.e2e.live import BUILD_LOG, TOOL_UPDATED, feed_socket, stored_log
from tests.e2e.server import GraphQLClient
from tests.e2e.stalled_client import StalledClient
from tests.e2e.threaded_server import ThreadedServer, threaded_server
from tests.e2e.tools import ToolsApi, unique_name
from tests.fixtures.repos import busybox_available, make_tool_repo
from tests.services import unavailable

pytestmark = pytest.mark.timeout(300)
SUBSCRIBERS = 200
STALLED_SUBSCRIPTIONS = 45  # on one connection: far more than the socket buffers hold
ADMIN, PASSWORD = "load-admin", "correct-horse-for-load"
PAD = "x" * 200


@pytest.fixture(scope="module")
async def threaded(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ThreadedServer]:
    tool_settings = {key.removeprefix("MACHETE_").lower(): v for key, v in TOOL_SETTINGS.items()}
    async with threaded_server(
        tmp_path_factory.mktemp("load"),
        "machete_load",
        admin_username=ADMIN,
        admin_password=PASSWORD,
        allow_local_repos=True,
        ws_send_timeout_seconds=3,
        max_connections_per_user=SUBSCRIBERS + 10,
        **tool_settings,
    ) as server:
        yield server


@pytest.fixture(scope="module")
async def token(threaded: ThreadedServer) -> str:
    client = GraphQLClient(threaded.graphql_url)
    session = await sign_in(client, ADMIN, PASSWORD)
    await client.close()
    return session["accessToken"]


async def read_whole_log(url: str, token: str, build_id: str) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    async with feed_socket(url, token) as feed:
        op = await feed.subscribe(BUILD_LOG, {"id": build_id, "after": 0})
        async for data in feed.results(op):
            lines.extend(data["buildLog"]["lines"])
    return lines


def stalled_client(threaded: ThreadedServer, token: str, build_id: str) -> StalledClient:
    """Subscribes many times, then never reads again."""
    client = StalledClient(threaded.ws_url, threaded.port)
    client.open(token)
    variables = {"id": build_id, "after": 0}
    for n in range(STALLED_SUBSCRIPTIONS):
        payload = {"query": BUILD_LOG, "variables": variables}
        client.send({"id": str(n), "type": "subscribe", "payload": payload})
    return client


async def start_noisy_build(api: ToolsApi, tmp_path: Path, cleanup_tools: list[str]) -> str:
    """A build that prints 1000 long lines over several seconds."""
    name = unique_name("load")
    cleanup_tools.append(name)
    loop = f'i=1; while [ "$i" -le 1000 ]; do echo "line $i {PAD}"; sleep 0.005; i=$((i+1)); done'
    extra = f'RUN ["sh", "-c", {json.dumps(loop)}]\n'
    repo = make_tool_repo(tmp_path / "repo", name=name, dockerfile_extra=extra)
    installed = await api.install(name=name, repoUrl=repo.url)
    return installed["build"]["id"]


async def test_every_one_of_200_subscribers_gets_every_line_and_a_stalled_one_is_cut_off(
    threaded: ThreadedServer, token: str, tmp_path: Path, cleanup_tools: list
) -> None:
    if not busybox_available():
        unavailable("busybox (to build test tools)")
    before = await threaded.probe()
    api = ToolsApi(GraphQLClient(threaded.graphql_url), token)
    build_id = await start_noisy_build(api, tmp_path, cleanup_tools)

    stalled = await asyncio.to_thread(stalled_client, threaded, token, build_id)
    readers = [read_whole_log(threaded.ws_url, token, build_id) for _ in range(SUBSCRIBERS)]
    logs = await asyncio.gather(*readers)

    stored = await stored_log(api, build_id)
    assert len(stored) > 1000
    assert all(log == stored for log in logs), "a subscriber missed or repeated a line"
    # The stalled client was dropped by the server, not kept waiting on.
    await threaded.wait_for("connections", 0)
    # Dropped at once, its unsent data with it: not left open until the client reads.
    assert not stalled.established()
    messages, closed_cleanly = await asyncio.to_thread(stalled.read_to_the_end)
    completed = [message for message in messages if message["type"] == "complete"]
    assert len(completed) < STALLED_SUBSCRIPTIONS
    assert not closed_cleanly, "closed with a close frame: it was not cut off"
    await threaded.wait_for("registrations", before["registrations"])
    await threaded.wait_for("feeds", 0)


async def test_readers_finish_while_a_stalled_subscriber_still_hangs_on_the_same_build(
    threaded: ThreadedServer, token: str, tmp_path: Path, cleanup_tools: list
) -> None:
    """Here the stalled client is never cut off: the readers cannot have waited for that."""
    if not busybox_available():
        unavailable("busybox (to build test tools)")
    router = threaded.app.state.graphql_router
    router.send_timeout = timedelta(hours=1)
    api = ToolsApi(GraphQLClient(threaded.graphql_url), token)
    build_id = await start_noisy_build(api, tmp_path, cleanup_tools)
    stalled = await asyncio.to_thread(stalled_client, threaded, token, build_id)
    try:
        readers = [read_whole_log(threaded.ws_url, token, build_id) for _ in range(50)]
        logs = await asyncio.gather(*readers)
        stored = await stored_log(api, build_id)
        assert all(log == stored for log in logs)
        assert (await threaded.probe())["connections"] == 1, "only the stalled one is left"
        assert stalled.established() and stalled.unread_bytes() > 0, "it was not stalled"
    finally:
        router.send_timeout = timedelta(seconds=3)
        await asyncio.to_thread(stalled.socket.close)
    await threaded.wait_for("connections", 0)


async def test_connecting_and_leaving_200_times_leaves_no_task_or_registration_behind(
    threaded: ThreadedServer, token: str
) -> None:
    await threaded.wait_for("connections", 0)
    before = await threaded.probe()

    async def come_and_go() -> None:
        async with feed_socket(threaded.ws_url, token) as feed:
            await feed.subscribe(TOOL_UPDATED, {})
            await feed.subscribe(TOOL_UPDATED, {"id": "VG9vbDpub3BlCg=="})
            await feed.send({"type": "ping"})
            assert (await feed.receive())["type"] in {"pong", "next", "error"}

    await asyncio.gather(*(come_and_go() for _ in range(SUBSCRIBERS)))
    await threaded.wait_for("connections", 0)
    await threaded.wait_for("registrations", before["registrations"])
    after = await threaded.wait_for("tasks", before["tasks"])
    assert after == before

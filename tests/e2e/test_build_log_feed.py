"""`buildLog` and `buildUpdated` over a real server: exact, resumable, and ending with the build."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.e2e.live import BUILD_LOG, BUILD_UPDATED, feed_socket, stored_log
from tests.e2e.server import GraphQLClient, RunningServer
from tests.e2e.tools import FINISHED, ToolsApi, unique_name
from tests.fixtures.repos import busybox_available, make_chatty_tool_repo
from tests.services import unavailable

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
async def api(server: RunningServer, role_tokens: dict) -> ToolsApi:
    if not busybox_available():
        unavailable("busybox (to build test tools)")
    return ToolsApi(GraphQLClient(server.graphql_url), role_tokens["MAINTAINER"]["accessToken"])


async def start_chatty_build(
    api: ToolsApi, tmp_path: Path, cleanup_tools: list[str], lines: int, pause: str
) -> str:
    name = unique_name("chatty")
    cleanup_tools.append(name)
    repo = make_chatty_tool_repo(tmp_path / "repo", name=name, lines=lines, pause=pause)
    installed = await api.install(name=name, repoUrl=repo.url)
    assert installed["errors"] == [], installed
    return installed["build"]["id"]


async def test_a_subscriber_from_the_start_receives_exactly_the_stored_log(
    server: RunningServer, role_tokens: dict, api: ToolsApi, tmp_path: Path, cleanup_tools: list
) -> None:
    build_id = await start_chatty_build(api, tmp_path, cleanup_tools, lines=150, pause="0.02")
    received: list[dict] = []
    chunks: list[dict] = []
    async with feed_socket(server.ws_url, role_tokens["VIEWER"]["accessToken"]) as feed:
        op = await feed.subscribe(BUILD_LOG, {"id": build_id, "after": 0})
        async for data in feed.results(op):
            chunk = data["buildLog"]
            chunks.append(chunk)
            received.extend(chunk["lines"])
            assert chunk["lastSeq"] == (received[-1]["seq"] if received else 0)

    assert [chunk["done"] for chunk in chunks] == [False] * (len(chunks) - 1) + [True]
    assert chunks[0]["build"]["status"] not in FINISHED, "the build had ended already"
    assert chunks[-1]["build"]["status"] == "SUCCEEDED"
    assert len(chunks) > 2, "lines arrived in one piece, not live"
    assert received == await stored_log(api, build_id)
    assert [line["seq"] for line in received] == list(range(1, len(received) + 1))
    assert "chatty 150" in [line["text"] for line in received]


async def test_resubscribing_after_any_seq_continues_with_no_gap_and_no_duplicate(
    server: RunningServer, role_tokens: dict, api: ToolsApi, tmp_path: Path, cleanup_tools: list
) -> None:
    build_id = await start_chatty_build(api, tmp_path, cleanup_tools, lines=300, pause="0.02")
    token = role_tokens["VIEWER"]["accessToken"]
    chance = random.Random(7)
    kept: list[dict] = []
    resumes = 0
    done = False
    while not done:
        async with feed_socket(server.ws_url, token) as feed:
            op = await feed.subscribe(BUILD_LOG, {"id": build_id, "after": len(kept)})
            async for data in feed.results(op):
                chunk = data["buildLog"]
                lines = chunk["lines"]
                if chunk["done"]:
                    kept.extend(lines)
                    done = True
                    break
                # Drop the connection at a random seq k inside this chunk, keeping 1..k.
                k = chance.randint(1, len(lines)) if lines else 0
                kept.extend(lines[:k])
                resumes += 1
                break
    assert resumes >= 5, "the build ended before the loop could resume several times"
    assert kept == await stored_log(api, build_id)
    assert [line["seq"] for line in kept] == list(range(1, len(kept) + 1))


async def test_a_finished_build_replays_its_log_and_completes_at_once(
    server: RunningServer, role_tokens: dict, api: ToolsApi, tmp_path: Path, cleanup_tools: list
) -> None:
    build_id = await start_chatty_build(api, tmp_path, cleanup_tools, lines=20, pause="0")
    await api.wait_for_build(build_id)
    stored = await stored_log(api, build_id)
    async with feed_socket(server.ws_url, role_tokens["VIEWER"]["accessToken"]) as feed:
        op = await feed.subscribe(BUILD_LOG, {"id": build_id, "after": 5})
        chunks = [data["buildLog"] async for data in feed.results(op)]
    assert len(chunks) == 1
    assert chunks[0]["done"] is True
    assert chunks[0]["lines"] == stored[5:]
    assert chunks[0]["lastSeq"] == stored[-1]["seq"]


async def test_build_updated_sends_the_current_state_then_each_change_until_it_ends(
    server: RunningServer, role_tokens: dict, api: ToolsApi, tmp_path: Path, cleanup_tools: list
) -> None:
    build_id = await start_chatty_build(api, tmp_path, cleanup_tools, lines=40, pause="0.02")
    async with feed_socket(server.ws_url, role_tokens["VIEWER"]["accessToken"]) as feed:
        op = await feed.subscribe(BUILD_UPDATED, {"id": build_id})
        states = [data["buildUpdated"] async for data in feed.results(op)]
    statuses = [state["status"] for state in states]
    assert statuses[-1] == "SUCCEEDED"
    assert all(state["id"] == build_id for state in states)
    assert "BUILDING" in statuses or "CLONING" in statuses, statuses
    assert statuses.index(statuses[-1]) == len(statuses) - 1, "a state after the final one"
    assert states[-1]["finishedAt"] is not None

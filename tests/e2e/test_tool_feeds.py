"""`toolUpdated` and `toolLogs` against a real server and real containers."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.live import TOOL_UPDATED, FeedSocket, feed_socket
from tests.e2e.server import GraphQLClient, RunningServer
from tests.e2e.tools import ToolsApi, unique_name
from tests.fixtures.repos import busybox_available, make_tool_repo
from tests.services import unavailable

pytestmark = pytest.mark.timeout(300)
TOOL_LOGS = """subscription($id: ID!, $tail: Int) {
  toolLogs(toolId: $id, tail: $tail) { seq stream timestamp text } }"""
# Prints a numbered line to stdout and to stderr every 0.2 s while serving.
TALKER = (
    'i=0; while true; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); sleep 0.2; done & '
    "exec httpd -f -p 127.0.0.1:$PORT -h /www"
)


@pytest.fixture
async def api(server: RunningServer, role_tokens: dict) -> ToolsApi:
    if not busybox_available():
        unavailable("busybox (to build test tools)")
    return ToolsApi(GraphQLClient(server.graphql_url), role_tokens["MAINTAINER"]["accessToken"])


async def running_tool(
    api: ToolsApi, tmp_path: Path, cleanup_tools: list[str], extra: str = ""
) -> dict[str, Any]:
    name = unique_name("feed")
    cleanup_tools.append(name)
    repo = make_tool_repo(tmp_path / "repo", name=name, dockerfile_extra=extra)
    installed = await api.install(name=name, repoUrl=repo.url)
    assert installed["errors"] == [], installed
    return await api.wait_for_status(installed["tool"]["id"], {"RUNNING"}, within=120)


async def next_data(feed: FeedSocket, op: str) -> dict[str, Any]:
    message = await feed.first_message_of(op)
    assert message["type"] == "next" and "errors" not in message["payload"], message
    return message["payload"]["data"]


async def test_tool_updated_sends_the_tool_then_its_changes_and_ends_when_it_is_uninstalled(
    server: RunningServer, role_tokens: dict, api: ToolsApi, tmp_path: Path, cleanup_tools: list
) -> None:
    tool = await running_tool(api, tmp_path, cleanup_tools)
    token = role_tokens["VIEWER"]["accessToken"]
    async with feed_socket(server.ws_url, token) as one, feed_socket(server.ws_url, token) as every:
        every_op = await every.subscribe(TOOL_UPDATED, {})
        one_op = await one.subscribe(TOOL_UPDATED, {"id": tool["id"]})
        snapshot = (await next_data(one, one_op))["toolUpdated"]
        assert (snapshot["id"], snapshot["status"]) == (tool["id"], "RUNNING")

        await api.mutate("stopTool", "ToolIdInput", id=tool["id"])
        seen: list[dict] = []
        while not seen or seen[-1]["status"] != "STOPPED":
            seen.append((await next_data(one, one_op))["toolUpdated"])
        assert seen[-1]["desiredState"] == "STOPPED"
        # The feed of every tool told the same change.
        while (await next_data(every, every_op))["toolUpdated"]["status"] != "STOPPED":
            pass

        await api.mutate("uninstallTool", "UninstallToolInput", id=tool["id"])
        rest = [data async for data in one.results(one_op)]
    assert all(data["toolUpdated"]["id"] == tool["id"] for data in rest)


async def test_tool_logs_sends_the_last_lines_then_live_ones_of_both_streams(
    server: RunningServer, role_tokens: dict, api: ToolsApi, tmp_path: Path, cleanup_tools: list
) -> None:
    extra = f'ENTRYPOINT ["sh", "-c", {json.dumps(TALKER)}]\n'
    tool = await running_tool(api, tmp_path, cleanup_tools, extra)
    await asyncio.sleep(2)  # some history to take the tail of
    token = role_tokens["MAINTAINER"]["accessToken"]
    async with feed_socket(server.ws_url, token) as feed:
        op = await feed.subscribe(TOOL_LOGS, {"id": tool["id"], "tail": 4})
        first = (await next_data(feed, op))["toolLogs"]
        lines = list(first)
        while len(lines) < 20:
            lines.extend((await next_data(feed, op))["toolLogs"])
    # The tail of the history (4 lines, perhaps with what was printed as the feed started),
    # not the whole of it: about ten lines a stream were printed during the pause.
    assert len(first) >= 4, first
    first_out = next(int(line["text"].split()[1]) for line in lines if line["stream"] == "STDOUT")
    assert first_out >= 4, "the whole history was sent, not its tail"
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))
    streams = {line["stream"] for line in lines}
    assert streams == {"STDOUT", "STDERR"}
    for stream in ("STDOUT", "STDERR"):
        numbers = [int(line["text"].split()[1]) for line in lines if line["stream"] == stream]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), "a gap or repeat"
    assert all(line["text"].split()[0] == line["stream"][3:].lower() for line in lines)


async def test_tool_logs_refuses_a_tail_out_of_range(
    server: RunningServer, role_tokens: dict
) -> None:
    async with feed_socket(server.ws_url, role_tokens["MAINTAINER"]["accessToken"]) as feed:
        op = await feed.subscribe(TOOL_LOGS, {"id": "VG9vbDpub3Bl", "tail": 5000})
        message = await feed.first_message_of(op)
    assert message["payload"]["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

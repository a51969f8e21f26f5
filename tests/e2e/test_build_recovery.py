"""Builds survive their server: a graceful stop requeues them, a crash fails them explicitly."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET_KEY, dispose_database_url, new_database_url
from tests.e2e.conftest import TOOL_SETTINGS, sign_in
from tests.e2e.server import GraphQLClient, RunningServer, server_env, start_server
from tests.e2e.tools import ToolsApi, unique_name
from tests.fixtures.repos import make_tool_repo

pytestmark = pytest.mark.timeout(180)
ADMIN = ("admin", "correct-horse-for-tests")


@asynccontextmanager
async def restartable_server(root: Path) -> AsyncIterator[dict[str, str]]:
    """The environment of a server that tests start, kill and start again on one database."""
    database_url = await new_database_url(root, "machete_recovery")
    env = server_env(
        root / "data",
        database_url,
        MACHETE_SECRET_KEY=TEST_SECRET_KEY,
        MACHETE_ALLOW_LOCAL_REPOS="true",
        MACHETE_ADMIN_USERNAME=ADMIN[0],
        MACHETE_ADMIN_PASSWORD=ADMIN[1],
        MACHETE_BUILD_LEASE_SECONDS="5",
        **TOOL_SETTINGS,
    )
    try:
        yield env
    finally:
        await dispose_database_url(database_url)


async def signed_in(server: RunningServer) -> ToolsApi:
    client = GraphQLClient(server.graphql_url)
    session = await sign_in(client, *ADMIN)
    return ToolsApi(client, session["accessToken"])


async def install_sleeping_tool(api: ToolsApi, tmp_path: Path, seconds: int) -> dict:
    name = unique_name("recover")
    repo = make_tool_repo(
        tmp_path / name, name=name, dockerfile_extra=f'RUN ["sleep", "{seconds}"]\n'
    )
    payload = await api.install(repoUrl=repo.url, name=name)
    assert payload["errors"] == []
    build_id = payload["build"]["id"]
    await api.wait_for_log(build_id, "Running in")  # the RUN step has started
    return payload


async def test_a_graceful_stop_requeues_a_running_build_and_the_next_start_finishes_it(
    tmp_path: Path, cleanup_tools: list[str]
) -> None:
    async with restartable_server(tmp_path) as env:
        first = start_server(env, tmp_path / "first.log")
        api = await signed_in(first)
        payload = await install_sleeping_tool(api, tmp_path, 3)
        cleanup_tools.append(payload["tool"]["name"])
        await api.client.close()
        first.stop()  # SIGTERM: the worker releases its build
        # uvicorn finishes its shutdown, then re-raises SIGTERM as its exit status.
        assert "Application shutdown complete" in first.log()

        second = start_server(env, tmp_path / "second.log")
        try:
            api = await signed_in(second)
            build = await api.wait_for_build(payload["build"]["id"])
            log = await api.log_text(build["id"])
            assert build["status"] == "SUCCEEDED", log
            assert "queued again" in log
            seqs = [line["seq"] for line in await all_lines(api, build["id"])]
            assert seqs == list(range(1, len(seqs) + 1))
            await api.client.close()
        finally:
            second.stop()


async def test_a_build_whose_server_was_killed_ends_failed_as_interrupted(
    tmp_path: Path, cleanup_tools: list[str]
) -> None:
    async with restartable_server(tmp_path) as env:
        first = start_server(env, tmp_path / "first.log")
        api = await signed_in(first)
        payload = await install_sleeping_tool(api, tmp_path, 60)
        cleanup_tools.append(payload["tool"]["name"])
        await api.client.close()
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)

        second = start_server(env, tmp_path / "second.log")
        try:
            api = await signed_in(second)
            build = await api.wait_for_build(payload["build"]["id"], within=30)
            assert build["status"] == "FAILED"
            assert build["failure"]["code"] == "INTERRUPTED"
            assert build["failure"]["phase"] == "BUILDING"
            assert "INTERRUPTED" in await api.log_text(build["id"])
            tool = await api.tool(payload["tool"]["id"])
            assert tool is not None and tool["status"] == "FAILED"
            await api.client.close()
        finally:
            second.stop()


async def all_lines(api: ToolsApi, build_id: str) -> list[dict]:
    query = "query($id: ID!) { build(id: $id) { logLines(after: 0, first: 1000) { seq } } }"
    return (await api.run(query, {"id": build_id}))["build"]["logLines"]

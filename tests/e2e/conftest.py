from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET_KEY, dispose_database_url, new_database_url
from tests.e2e.server import GraphQLClient, RunningServer, server_env, start_server
from tests.e2e.tools import DockerView

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "correct-horse-for-tests"
ROLE_PASSWORD = "role-passphrase-for-tests"

SIGN_IN = """
mutation($u: String!, $p: String!) {
  signIn(input: {username: $u, password: $p}) {
    accessToken refreshToken accessTokenExpiresAt user { id username role } errors { code message field }
  }
}"""
CREATE_USER = """
mutation($u: String!, $e: String!, $p: String!, $r: Role!) {
  createUser(input: {username: $u, email: $e, password: $p, role: $r}) {
    user { id username role } errors { code message field }
  }
}"""


# Tools run with host networking here (no bridge: no private-range addresses), answer within
# seconds, and get checked often so health transitions show up quickly in tests.
TOOL_SETTINGS = {
    "MACHETE_NETWORK_MODE": "host",
    "MACHETE_HEALTH_CHECK_TIMEOUT_SECONDS": "20",
    "MACHETE_HEALTH_CHECK_INTERVAL_SECONDS": "2",
    "MACHETE_CLONE_TIMEOUT_SECONDS": "20",
}


@asynccontextmanager
async def running_server(root: Path, **env: str) -> AsyncIterator[RunningServer]:
    """A `machete serve` process with its own fresh database, stopped and dropped afterwards."""
    database_url = await new_database_url(root, "machete_e2e")
    settings = {"MACHETE_SECRET_KEY": TEST_SECRET_KEY, **TOOL_SETTINGS, **env}
    server = start_server(server_env(root / "data", database_url, **settings), root / "server.log")
    try:
        yield server
    finally:
        server.stop()
        await dispose_database_url(database_url)


@pytest.fixture(scope="session")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    """One development server for the e2e tests, its first admin created from the environment."""
    async with running_server(
        tmp_path_factory.mktemp("e2e"),
        # The session's role tokens are signed in once and used until the last test, which a
        # loaded machine reaches well after the default 15 minutes.
        MACHETE_ACCESS_TOKEN_TTL_SECONDS="7200",
        MACHETE_ADMIN_USERNAME=ADMIN_USERNAME,
        MACHETE_ADMIN_PASSWORD=ADMIN_PASSWORD,
        MACHETE_ALLOW_LOCAL_REPOS="true",
    ) as running:
        yield running


@pytest.fixture
async def client(server: RunningServer) -> AsyncIterator[GraphQLClient]:
    graphql = GraphQLClient(server.graphql_url)
    yield graphql
    await graphql.close()


async def sign_in(client: GraphQLClient, username: str, password: str) -> dict:
    result = await client.execute(SIGN_IN, {"u": username, "p": password})
    payload = result["data"]["signIn"]
    assert payload["errors"] == [], payload
    return payload


@pytest.fixture(scope="session")
async def role_tokens(server: RunningServer) -> AsyncIterator[dict[str, dict]]:
    """A signed-in session for each role: {"ADMIN": signIn payload, ...}."""
    graphql = GraphQLClient(server.graphql_url)
    admin = await sign_in(graphql, ADMIN_USERNAME, ADMIN_PASSWORD)
    sessions = {"ADMIN": admin}
    for role in ("MAINTAINER", "VIEWER"):
        name = f"{role.lower()}-user"
        created = await graphql.execute(
            CREATE_USER,
            {"u": name, "e": f"{name}@example.com", "p": ROLE_PASSWORD, "r": role},
            token=admin["accessToken"],
        )
        assert created["data"]["createUser"]["errors"] == [], created
        sessions[role] = await sign_in(graphql, name, ROLE_PASSWORD)
    await graphql.close()
    yield sessions


@pytest.fixture
def fresh_name() -> Iterator[str]:
    import uuid

    yield f"u{uuid.uuid4().hex[:10]}"


@pytest.fixture
def docker_view() -> Iterator[DockerView]:
    view = DockerView()
    yield view
    view.client.close()


@pytest.fixture
def cleanup_tools(docker_view: DockerView) -> Iterator[list[str]]:
    """Names appended here lose every container and image of theirs after the test."""
    names: list[str] = []
    yield names
    for name in names:
        docker_view.remove_everything_of(name)

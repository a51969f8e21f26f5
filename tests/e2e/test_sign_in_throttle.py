"""Sign-in throttling counts each attempt, including aliases batched into one document."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.e2e.conftest import running_server
from tests.e2e.server import GraphQLClient, RunningServer

ADMIN, PASSWORD = "throttled", "throttle-passphrase-1"


@pytest.fixture(scope="module")
async def strict_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    async with running_server(
        tmp_path_factory.mktemp("throttle"),
        MACHETE_ADMIN_USERNAME=ADMIN,
        MACHETE_ADMIN_PASSWORD=PASSWORD,
        MACHETE_SIGN_IN_MAX_FAILURES_PER_ACCOUNT="3",
        MACHETE_SIGN_IN_MAX_FAILURES_PER_CLIENT="100",
        MACHETE_SIGN_IN_MAX_FAILURES_ACCOUNT_WIDE="1000",
    ) as server:
        yield server


async def test_aliased_sign_ins_in_one_document_are_each_counted(
    strict_server: RunningServer,
) -> None:
    attempts = " ".join(
        f'a{i}: signIn(input: {{username: "{ADMIN}", password: "wrong-{i}-passphrase"}}) '
        "{ errors { code } }"
        for i in range(5)
    )
    client = GraphQLClient(strict_server.graphql_url)
    try:
        result = await client.execute(f"mutation {{ {attempts} }}")
        codes = [result["data"][f"a{i}"]["errors"][0]["code"] for i in range(5)]
        assert codes == ["INVALID_CREDENTIALS"] * 3 + ["RATE_LIMITED"] * 2
        right = await client.execute(
            "mutation($u: String!, $p: String!) { signIn(input: {username: $u, password: $p}) "
            "{ accessToken errors { code message } } }",
            {"u": ADMIN, "p": PASSWORD},
        )
        payload = right["data"]["signIn"]
        assert payload["accessToken"] is None
        assert payload["errors"][0]["code"] == "RATE_LIMITED"
        assert "Too many failed sign-ins" in payload["errors"][0]["message"]
    finally:
        await client.close()


async def test_parallel_sign_ins_cannot_slip_past_the_limit(strict_server: RunningServer) -> None:
    client = GraphQLClient(strict_server.graphql_url)
    query = (
        'mutation($p: String!) { signIn(input: {username: "parallel", password: $p}) '
        "{ errors { code } } }"
    )
    try:
        results = await asyncio.gather(
            *(client.execute(query, {"p": f"guess-{i}-passphrase"}) for i in range(12))
        )
    finally:
        await client.close()
    codes = sorted(r["data"]["signIn"]["errors"][0]["code"] for r in results)
    assert codes == ["INVALID_CREDENTIALS"] * 3 + ["RATE_LIMITED"] * 9

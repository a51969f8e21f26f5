"""Every subscription against ADMIN, MAINTAINER, VIEWER and anonymous sockets: a feed is open to
exactly the roles that may read the same data with a query."""

from __future__ import annotations

import pytest

from tests.e2e.live import BUILD_LOG, BUILD_UPDATED, TOOL_UPDATED, feed_socket
from tests.e2e.server import RunningServer
from tests.e2e.test_role_matrix import MISSING_BUILD_ID, MISSING_TOOL_ID

TOOL_LOGS = "subscription($id: ID!) { toolLogs(toolId: $id, tail: 5) { seq text } }"
ROLES = ["ADMIN", "MAINTAINER", "VIEWER", "ANONYMOUS"]
READERS = {"ADMIN": "NOT_FOUND", "MAINTAINER": "NOT_FOUND", "VIEWER": "NOT_FOUND"}
OPERATORS = {"ADMIN": "NOT_FOUND", "MAINTAINER": "NOT_FOUND", "VIEWER": "FORBIDDEN"}

# Asked about objects that do not exist: a role that may look gets NOT_FOUND, proving it got
# past authorization; one that may not gets UNAUTHENTICATED or FORBIDDEN before any lookup.
CASES = {
    "buildLog": (BUILD_LOG, {"id": MISSING_BUILD_ID}, READERS),
    "buildUpdated": (BUILD_UPDATED, {"id": MISSING_BUILD_ID}, READERS),
    "toolUpdated(one)": (TOOL_UPDATED, {"id": MISSING_TOOL_ID}, READERS),
    # Container output can carry what a tool prints about its configuration: operators only,
    # as no query shows it to viewers.
    "toolLogs": (TOOL_LOGS, {"id": MISSING_TOOL_ID}, OPERATORS),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(CASES))
async def test_each_role_may_open_exactly_the_feeds_it_may_read(
    server: RunningServer, role_tokens: dict, case: str, role: str
) -> None:
    query, variables, expected = CASES[case]
    token = role_tokens[role]["accessToken"] if role in role_tokens else None
    async with feed_socket(server.ws_url, token) as feed:
        op = await feed.subscribe(query, variables)
        message = await feed.first_message_of(op)
    assert message["type"] == "next", message
    codes = [error["extensions"]["code"] for error in message["payload"]["errors"]]
    assert codes == [expected.get(role, "UNAUTHENTICATED")], message


async def test_an_id_of_the_wrong_kind_is_refused_as_bad_input(
    server: RunningServer, role_tokens: dict
) -> None:
    async with feed_socket(server.ws_url, role_tokens["VIEWER"]["accessToken"]) as feed:
        op = await feed.subscribe(BUILD_LOG, {"id": MISSING_TOOL_ID})
        message = await feed.first_message_of(op)
    assert message["payload"]["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

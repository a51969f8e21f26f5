"""The sign-in check in front of tools: who may pass, by pass cookie or bearer token."""

from __future__ import annotations

import uuid

import pytest

from domain.auth.commands import CreateApiToken, SignIn
from domain.errors import DomainError, Unauthenticated
from domain.gateway.gate import Caller, ToolGate, Verdict
from domain.tools.access_level import ToolAccess
from domain.tools.model import Tool
from domain.users.commands import CreateUser
from domain.users.model import Role, User
from tests.unit.conftest import PASSWORD
from tests.unit.tool_fakes import ToolWorld

HOST = "hello.localhost"
STATE = "s" * 32


@pytest.fixture
def gate(world: ToolWorld) -> ToolGate:
    return world.services().gate


async def a_tool(world: ToolWorld, access: ToolAccess = ToolAccess.VIEWER) -> Tool:
    tool, _ = await world.installed("hello", built=True)
    async with world.uow() as uow:
        stored = await uow.tools.lock(tool.id)
        assert stored is not None
        stored.access = access
        await uow.tools.save(stored)
        await uow.commit()
    return world.tool(tool.id)


async def access_token(world: ToolWorld, username: str) -> str:
    session = await world.services().sessions.sign_in(SignIn(username, PASSWORD))
    return session.access_token.token


async def pass_cookie(world: ToolWorld, gate: ToolGate, username: str, host: str = HOST) -> str:
    token = await access_token(world, username)
    redirect, _ = await gate.ticket_for(token, f"http://{host}:8000/page", STATE)
    ticket = redirect.split("ticket=", 1)[1]
    found = gate.passes.redeem(ticket, host, STATE)
    assert found is not None
    return gate.passes.cookie(found)


async def maintainer(world: ToolWorld, admin: User) -> User:
    command = CreateUser("mona", "mona@example.com", PASSWORD, Role.MAINTAINER)
    return await world.services().users.create_user(admin, command)


async def test_nobody_signed_in_is_sent_to_sign_in(world: ToolWorld, gate: ToolGate) -> None:
    tool = await a_tool(world)
    decision = await gate.check(tool.id, HOST, Caller())
    assert decision.verdict is Verdict.SIGN_IN and decision.tool is not None


async def test_a_public_tool_lets_anybody_through(world: ToolWorld, gate: ToolGate) -> None:
    tool = await a_tool(world, ToolAccess.PUBLIC)
    decision = await gate.check(tool.id, HOST, Caller())
    assert decision.verdict is Verdict.ALLOWED and decision.user is None


async def test_a_viewer_with_a_pass_opens_a_viewer_tool(
    world: ToolWorld, gate: ToolGate, viewer: User
) -> None:
    tool = await a_tool(world)
    cookie = await pass_cookie(world, gate, viewer.username)
    decision = await gate.check(tool.id, HOST, Caller(pass_cookie=cookie))
    assert decision.verdict is Verdict.ALLOWED
    assert decision.user is not None and decision.user.username == "vera"


async def test_a_viewer_is_refused_a_maintainer_tool(
    world: ToolWorld, gate: ToolGate, viewer: User
) -> None:
    tool = await a_tool(world, ToolAccess.MAINTAINER)
    cookie = await pass_cookie(world, gate, viewer.username)
    decision = await gate.check(tool.id, HOST, Caller(pass_cookie=cookie))
    assert decision.verdict is Verdict.FORBIDDEN


async def test_an_admin_opens_an_admin_tool_and_a_maintainer_does_not(
    world: ToolWorld, gate: ToolGate, admin: User
) -> None:
    tool = await a_tool(world, ToolAccess.ADMIN)
    await maintainer(world, admin)
    as_admin = await pass_cookie(world, gate, admin.username)
    as_maintainer = await pass_cookie(world, gate, "mona")
    allowed = await gate.check(tool.id, HOST, Caller(pass_cookie=as_admin))
    refused = await gate.check(tool.id, HOST, Caller(pass_cookie=as_maintainer))
    assert allowed.verdict is Verdict.ALLOWED
    assert refused.verdict is Verdict.FORBIDDEN


async def test_a_pass_of_another_host_counts_for_nothing(
    world: ToolWorld, gate: ToolGate, viewer: User
) -> None:
    tool = await a_tool(world)
    cookie = await pass_cookie(world, gate, viewer.username)
    decision = await gate.check(tool.id, "other.localhost", Caller(pass_cookie=cookie))
    assert decision.verdict is Verdict.SIGN_IN


async def test_signing_out_ends_the_passes_of_the_session(
    world: ToolWorld, gate: ToolGate, viewer: User
) -> None:
    tool = await a_tool(world)
    session = await world.services().sessions.sign_in(SignIn(viewer.username, PASSWORD))
    redirect, _ = await gate.ticket_for(session.access_token.token, f"http://{HOST}:8000/", STATE)
    found = gate.passes.redeem(redirect.split("ticket=", 1)[1], HOST, STATE)
    assert found is not None
    cookie = gate.passes.cookie(found)
    await world.services().sessions.sign_out(session.refresh_token)
    decision = await gate.check(tool.id, HOST, Caller(pass_cookie=cookie))
    assert decision.verdict is Verdict.SIGN_IN


async def test_a_deactivated_user_is_sent_to_sign_in(
    world: ToolWorld, gate: ToolGate, viewer: User
) -> None:
    tool = await a_tool(world)
    cookie = await pass_cookie(world, gate, viewer.username)
    async with world.uow() as uow:
        user = await uow.users.get(viewer.id)
        assert user is not None
        user.is_active = False
        await uow.users.save(user)
        await uow.commit()
    decision = await gate.check(tool.id, HOST, Caller(pass_cookie=cookie))
    assert decision.verdict is Verdict.SIGN_IN


async def test_an_api_token_opens_the_tool_for_scripts(
    world: ToolWorld, gate: ToolGate, viewer: User
) -> None:
    tool = await a_tool(world)
    secret, _ = await world.services().api_tokens.create(viewer, CreateApiToken("script"))
    decision = await gate.check(tool.id, HOST, Caller(bearer=secret))
    assert decision.verdict is Verdict.ALLOWED
    bad = await gate.check(tool.id, HOST, Caller(bearer="mch_not-a-token"))
    assert bad.verdict is Verdict.SIGN_IN


async def test_an_unknown_tool_is_not_found(world: ToolWorld, gate: ToolGate) -> None:
    decision = await gate.check(uuid.uuid4(), HOST, Caller())
    assert decision.verdict is Verdict.NOT_FOUND


@pytest.mark.parametrize(
    "return_to",
    [
        "http://evil.example/",
        "https://hello.localhost:8000/",  # another scheme
        "http://hello.localhost:9999/",  # another port
        "http://nothing.localhost:8000/",  # no such tool
        "http://localhost:8000/",  # the dashboard is no tool
        "javascript:alert(1)",
        "http://hello.localhost:8000@evil.example/",
        "http://hello.localhost:notaport/",
    ],
)
async def test_only_a_tools_own_url_gets_a_ticket(
    world: ToolWorld, gate: ToolGate, viewer: User, return_to: str
) -> None:
    await a_tool(world)
    token = await access_token(world, viewer.username)
    with pytest.raises(DomainError, match="tool's address"):
        await gate.ticket_for(token, return_to, STATE)


async def test_an_api_token_gets_no_ticket(world: ToolWorld, gate: ToolGate, viewer: User) -> None:
    await a_tool(world)
    secret, _ = await world.services().api_tokens.create(viewer, CreateApiToken("script"))
    with pytest.raises(Unauthenticated):
        await gate.ticket_for(secret, f"http://{HOST}:8000/", STATE)


async def test_the_ticket_keeps_the_path_and_query_asked_for(
    world: ToolWorld, gate: ToolGate, viewer: User
) -> None:
    await a_tool(world)
    token = await access_token(world, viewer.username)
    redirect, host = await gate.ticket_for(token, f"http://{HOST.upper()}:8000/a/b?c=d", STATE)
    assert host == HOST
    assert redirect.startswith(f"http://{HOST}:8000/_machete/callback?ticket=")
    found = gate.passes.redeem(redirect.split("ticket=", 1)[1], HOST, STATE)
    assert found is not None and found.path == "/a/b?c=d"


@pytest.mark.parametrize(
    "return_to",
    [
        # A browser reads `\` as `/`: this is evil.example, with the ticket in its path.
        "http://evil.example\\@hello.localhost:8000/",
        "http://evil.example@hello.localhost:8000/",
        "http://user:password@hello.localhost:8000/",
        # A path a browser would read as another host once redirected to.
        "http://hello.localhost:8000/\\evil.example",
        "http://hello.localhost:8000/\\\\evil.example",
    ],
)
async def test_a_return_to_with_credentials_or_backslashes_gets_no_ticket(
    world: ToolWorld, gate: ToolGate, viewer: User, return_to: str
) -> None:
    await a_tool(world)
    token = await access_token(world, viewer.username)
    with pytest.raises(DomainError, match="tool's address"):
        await gate.ticket_for(token, return_to, STATE)


async def test_the_callback_url_names_the_tools_host_and_nothing_else(
    world: ToolWorld, gate: ToolGate, viewer: User
) -> None:
    await a_tool(world)
    token = await access_token(world, viewer.username)
    redirect, _ = await gate.ticket_for(token, f"http://{HOST}:8000/", STATE)
    assert redirect.split("?", 1)[0] == f"http://{HOST}:8000/_machete/callback"


@pytest.mark.parametrize("state", ["", "short", "s" * 31 + "!", "s" * 200])
async def test_a_sign_in_the_gateway_did_not_start_gets_no_ticket(
    world: ToolWorld, gate: ToolGate, viewer: User, state: str
) -> None:
    await a_tool(world)
    token = await access_token(world, viewer.username)
    with pytest.raises(DomainError, match="did not come from the gateway"):
        await gate.ticket_for(token, f"http://{HOST}:8000/", state)

from __future__ import annotations

import asyncio

import pytest

from domain.auth.commands import SignIn
from domain.auth.sessions import SessionService
from domain.errors import DomainError, ErrorCode, InvalidCredentials
from domain.users.model import User
from tests.unit.conftest import PASSWORD
from tests.unit.fakes import FakeClock

# The fixture's policy, in 15 minutes: 3 failures per account and client, 5 per client,
# 8 per account from anywhere.


async def fail(sessions: SessionService, username: str, client: str) -> None:
    with pytest.raises(InvalidCredentials):
        await sessions.sign_in(SignIn(username, "wrong-password-123"), client=client)


async def refused(sessions: SessionService, username: str, password: str, client: str) -> bool:
    try:
        await sessions.sign_in(SignIn(username, password), client=client)
    except DomainError as error:
        return error.code is ErrorCode.RATE_LIMITED
    return False


async def test_a_client_is_throttled_on_an_account_even_with_the_right_password(
    sessions: SessionService, viewer: User
) -> None:
    for _ in range(3):
        await fail(sessions, "vera", "client-a")
    assert await refused(sessions, "vera", PASSWORD, "client-a")


async def test_another_client_still_signs_in_to_that_account(
    sessions: SessionService, viewer: User
) -> None:
    for _ in range(3):
        await fail(sessions, "vera", "client-a")
    assert (await sessions.sign_in(SignIn("vera", PASSWORD), client="client-b")).user_id


async def test_guessing_spread_over_many_clients_hits_the_account_wide_limit(
    sessions: SessionService, viewer: User
) -> None:
    for index in range(8):
        await fail(sessions, "vera", f"client-{index}")
    assert await refused(sessions, "vera", PASSWORD, "client-new")


async def test_one_client_guessing_many_accounts_is_throttled(
    sessions: SessionService, viewer: User
) -> None:
    for index in range(5):
        await fail(sessions, f"someone{index}", "client-c")
    assert await refused(sessions, "vera", PASSWORD, "client-c")
    assert (await sessions.sign_in(SignIn("vera", PASSWORD), client="client-d")).user_id


async def test_the_throttle_lifts_after_the_window(
    sessions: SessionService, viewer: User, clock: FakeClock
) -> None:
    for _ in range(3):
        await fail(sessions, "vera", "client-a")
    clock.advance(minutes=16)
    assert (await sessions.sign_in(SignIn("vera", PASSWORD), client="client-a")).user_id


async def test_successes_do_not_count_as_failures(sessions: SessionService, viewer: User) -> None:
    for _ in range(6):
        await sessions.sign_in(SignIn("vera", PASSWORD), client="client-e")
    await fail(sessions, "vera", "client-e")
    assert (await sessions.sign_in(SignIn("vera", PASSWORD), client="client-e")).user_id


async def test_parallel_attempts_cannot_slip_past_the_limit(
    sessions: SessionService, viewer: User
) -> None:
    results = await asyncio.gather(
        *(
            sessions.sign_in(SignIn("vera", f"wrong-{i}-passphrase"), client="client-f")
            for i in range(10)
        ),
        return_exceptions=True,
    )
    codes = sorted(r.code.value for r in results if isinstance(r, DomainError))
    assert codes == ["INVALID_CREDENTIALS"] * 3 + ["RATE_LIMITED"] * 7

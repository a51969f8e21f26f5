from __future__ import annotations

import pytest

from domain.auth.commands import SignIn
from domain.auth.sessions import SessionService
from domain.errors import DomainError, ErrorCode, InvalidCredentials
from domain.users.model import User
from tests.unit.conftest import PASSWORD
from tests.unit.fakes import FakeClock

# The fixture's policy: 3 failures per account, 5 per client, in 15 minutes.


async def fail(sessions: SessionService, username: str, client: str) -> None:
    with pytest.raises(InvalidCredentials):
        await sessions.sign_in(SignIn(username, "wrong-password-123"), client=client)


async def test_an_account_is_throttled_even_for_the_right_password(
    sessions: SessionService, viewer: User
) -> None:
    for _ in range(3):
        await fail(sessions, "vera", "client-1")
    with pytest.raises(DomainError) as caught:
        await sessions.sign_in(SignIn("vera", PASSWORD), client="client-2")
    assert caught.value.code is ErrorCode.RATE_LIMITED


async def test_the_throttle_lifts_after_the_window(
    sessions: SessionService, viewer: User, clock: FakeClock
) -> None:
    for _ in range(3):
        await fail(sessions, "vera", "client-1")
    clock.advance(minutes=16)
    assert (
        await sessions.sign_in(SignIn("vera", PASSWORD), client="client-1")
    ).user_id == viewer.id


async def test_one_client_guessing_many_accounts_is_throttled(
    sessions: SessionService, viewer: User
) -> None:
    for index in range(5):
        await fail(sessions, f"someone{index}", "client-3")
    with pytest.raises(DomainError) as caught:
        await sessions.sign_in(SignIn("vera", PASSWORD), client="client-3")
    assert caught.value.code is ErrorCode.RATE_LIMITED
    assert (await sessions.sign_in(SignIn("vera", PASSWORD), client="client-4")).user_id


async def test_a_success_forgives_the_accounts_earlier_failures(
    sessions: SessionService, viewer: User
) -> None:
    for _ in range(2):
        await fail(sessions, "vera", "client-5")
    await sessions.sign_in(SignIn("vera", PASSWORD), client="client-6")
    for _ in range(2):
        await fail(sessions, "vera", "client-7")
    assert await sessions.sign_in(SignIn("vera", PASSWORD), client="client-8")

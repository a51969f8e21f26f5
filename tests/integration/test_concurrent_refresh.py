"""Concurrent refreshes of one token on the real database: the burst ends the family."""

from __future__ import annotations

import asyncio

import pytest

from domain.auth.commands import SignIn
from domain.errors import InvalidToken, Unauthenticated
from domain.users.commands import CreateUser
from domain.users.model import Role
from infra.bootstrap import Application

PASSWORD = "concurrent-passphrase-1"


async def test_only_one_of_several_concurrent_refreshes_succeeds(application: Application) -> None:
    await application.services.users.create_user(
        None, CreateUser("racer", "racer@example.com", PASSWORD, Role.VIEWER)
    )
    session = await application.services.sessions.sign_in(SignIn("racer", PASSWORD))

    results = await asyncio.gather(
        *(application.services.sessions.refresh(session.refresh_token) for _ in range(5)),
        return_exceptions=True,
    )

    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    # The first wins; the second may pass as a lost response's retry (REUSE_GRACE); the rest
    # look like a replay, so the family is revoked and no token of the burst works.
    assert 1 <= len(winners) <= 2
    assert all(isinstance(r, InvalidToken) for r in losers) and len(losers) >= 3
    for winner in winners:
        with pytest.raises(InvalidToken):
            await application.services.sessions.refresh(winner.refresh_token)


async def test_a_sign_out_racing_a_rotation_revokes_the_rotated_token_too(
    application: Application,
) -> None:
    await application.services.users.create_user(
        None, CreateUser("racer2", "racer2@example.com", PASSWORD, Role.VIEWER)
    )
    for _ in range(10):
        session = await application.services.sessions.sign_in(SignIn("racer2", PASSWORD))
        rotated, _ = await asyncio.gather(
            application.services.sessions.refresh(session.refresh_token),
            application.services.sessions.sign_out(session.refresh_token),
            return_exceptions=True,
        )
        if isinstance(rotated, BaseException):
            assert isinstance(rotated, InvalidToken)
            continue
        with pytest.raises(InvalidToken):
            await application.services.sessions.refresh(rotated.refresh_token)
        with pytest.raises(Unauthenticated):
            await application.services.authenticator.authenticate(rotated.access_token.token)

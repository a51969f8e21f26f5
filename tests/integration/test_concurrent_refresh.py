"""Concurrent refreshes of one token on the real database: one wins, the family is revoked."""

from __future__ import annotations

import asyncio

import pytest

from domain.auth.commands import SignIn
from domain.errors import InvalidToken, Unauthenticated
from domain.users.commands import CreateUser
from domain.users.model import Role
from infra.bootstrap import Container

PASSWORD = "concurrent-passphrase-1"


async def test_only_one_of_several_concurrent_refreshes_succeeds(container: Container) -> None:
    await container.users.create_user(
        None, CreateUser("racer", "racer@example.com", PASSWORD, Role.VIEWER)
    )
    session = await container.sessions.sign_in(SignIn("racer", PASSWORD))

    results = await asyncio.gather(
        *(container.sessions.refresh(session.refresh_token) for _ in range(5)),
        return_exceptions=True,
    )

    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1
    assert len(losers) == 4 and all(isinstance(r, InvalidToken) for r in losers)
    # The race looks like a replay, so the winner's new token is revoked with its family.
    with pytest.raises(InvalidToken):
        await container.sessions.refresh(winners[0].refresh_token)


async def test_a_sign_out_racing_a_rotation_revokes_the_rotated_token_too(
    container: Container,
) -> None:
    await container.users.create_user(
        None, CreateUser("racer2", "racer2@example.com", PASSWORD, Role.VIEWER)
    )
    for _ in range(10):
        session = await container.sessions.sign_in(SignIn("racer2", PASSWORD))
        rotated, _ = await asyncio.gather(
            container.sessions.refresh(session.refresh_token),
            container.sessions.sign_out(session.refresh_token),
            return_exceptions=True,
        )
        if isinstance(rotated, BaseException):
            assert isinstance(rotated, InvalidToken)
            continue
        with pytest.raises(InvalidToken):
            await container.sessions.refresh(rotated.refresh_token)
        with pytest.raises(Unauthenticated):
            await container.authenticator.authenticate(rotated.access_token.token)

from __future__ import annotations

import pytest

from domain.auth import opaque_tokens
from domain.auth.authenticator import Authenticator
from domain.auth.commands import SignIn
from domain.auth.sessions import SessionService
from domain.errors import ErrorCode, InvalidCredentials, InvalidToken, Unauthenticated
from domain.users.commands import UpdateUser
from domain.users.model import User
from domain.users.service import UserService
from tests.unit.conftest import PASSWORD
from tests.unit.fakes import FakeClock, Store


async def test_sign_in_issues_an_access_token_and_a_stored_hashed_refresh_token(
    sessions: SessionService, authenticator: Authenticator, viewer: User, store: Store
) -> None:
    session = await sessions.sign_in(SignIn("VERA", PASSWORD))
    assert session.user_id == viewer.id
    assert session.refresh_token.startswith(opaque_tokens.REFRESH_TOKEN_PREFIX)
    stored = [t.token_hash for t in store.refresh_tokens.values()]
    assert stored == [opaque_tokens.digest(session.refresh_token)]
    assert session.refresh_token not in stored
    assert (await authenticator.authenticate(session.access_token.token)).id == viewer.id


@pytest.mark.parametrize(
    ("username", "password"), [("vera", "wrong-password-123"), ("nobody", PASSWORD)]
)
async def test_bad_credentials_are_refused_alike(
    sessions: SessionService, viewer: User, username: str, password: str, store: Store
) -> None:
    with pytest.raises(InvalidCredentials) as caught:
        await sessions.sign_in(SignIn(username, password))
    assert caught.value.message == "Username or password is incorrect."
    assert store.audit[-1].action == "auth.sign_in_failed"


async def test_a_deactivated_user_cannot_sign_in(
    sessions: SessionService, users: UserService, admin: User, viewer: User
) -> None:
    await users.update_user(admin, UpdateUser(viewer.id, is_active=False))
    with pytest.raises(InvalidCredentials):
        await sessions.sign_in(SignIn("vera", PASSWORD))


async def test_refresh_rotates_once_and_a_replay_revokes_the_whole_family(
    sessions: SessionService, authenticator: Authenticator, viewer: User, store: Store
) -> None:
    first = await sessions.sign_in(SignIn("vera", PASSWORD))
    second = await sessions.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token

    with pytest.raises(InvalidToken):
        await sessions.refresh(first.refresh_token)
    with pytest.raises(InvalidToken):
        await sessions.refresh(second.refresh_token)
    with pytest.raises(Unauthenticated):
        await authenticator.authenticate(second.access_token.token)
    assert all(f.revoked_at is not None for f in store.token_families.values())
    assert "auth.refresh_token_reused" in [e.action for e in store.audit]


async def test_an_expired_refresh_token_is_refused(
    sessions: SessionService, viewer: User, clock: FakeClock
) -> None:
    session = await sessions.sign_in(SignIn("vera", PASSWORD))
    clock.advance(days=31)
    with pytest.raises(InvalidToken) as caught:
        await sessions.refresh(session.refresh_token)
    assert caught.value.code is ErrorCode.INVALID_TOKEN


async def test_an_unknown_refresh_token_is_refused(sessions: SessionService) -> None:
    with pytest.raises(InvalidToken):
        await sessions.refresh(opaque_tokens.new_refresh_token())


async def test_sign_out_ends_the_session_for_refresh_and_access_tokens(
    sessions: SessionService, authenticator: Authenticator, viewer: User
) -> None:
    session = await sessions.sign_in(SignIn("vera", PASSWORD))
    other = await sessions.sign_in(SignIn("vera", PASSWORD))
    await sessions.sign_out(session.refresh_token)

    with pytest.raises(InvalidToken):
        await sessions.refresh(session.refresh_token)
    with pytest.raises(Unauthenticated):
        await authenticator.authenticate(session.access_token.token)
    assert (await authenticator.authenticate(other.access_token.token)).id == viewer.id
    with pytest.raises(InvalidToken):
        await sessions.sign_out(session.refresh_token)


async def test_access_tokens_of_a_deactivated_user_stop_working(
    sessions: SessionService,
    authenticator: Authenticator,
    users: UserService,
    admin: User,
    viewer: User,
) -> None:
    session = await sessions.sign_in(SignIn("vera", PASSWORD))
    await users.update_user(admin, UpdateUser(viewer.id, is_active=False))
    with pytest.raises(Unauthenticated):
        await authenticator.authenticate(session.access_token.token)

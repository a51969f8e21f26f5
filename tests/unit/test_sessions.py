from __future__ import annotations

import pytest

from domain.auth import opaque_tokens
from domain.auth.authenticator import Authenticator
from domain.auth.commands import SignIn
from domain.auth.sessions import REUSE_GRACE, SessionService
from domain.errors import ErrorCode, InvalidCredentials, InvalidToken, Unauthenticated
from domain.users.commands import UpdateUser
from domain.users.model import User
from domain.users.service import UserService
from tests.unit.conftest import PASSWORD
from tests.unit.fake_store import Store
from tests.unit.fakes import FakeClock


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
    sessions: SessionService,
    authenticator: Authenticator,
    viewer: User,
    store: Store,
    clock: FakeClock,
) -> None:
    first = await sessions.sign_in(SignIn("vera", PASSWORD))
    second = await sessions.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token

    clock.advance(seconds=REUSE_GRACE.total_seconds() + 1)
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


async def test_a_replay_after_the_successor_was_used_revokes_the_family_at_once(
    sessions: SessionService, viewer: User, store: Store, clock: FakeClock
) -> None:
    first = await sessions.sign_in(SignIn("vera", PASSWORD))
    second = await sessions.refresh(first.refresh_token)
    clock.advance(seconds=1)
    await sessions.refresh(second.refresh_token)  # the chain moved on: a replay is a theft
    with pytest.raises(InvalidToken):
        await sessions.refresh(first.refresh_token)
    assert all(f.revoked_at is not None for f in store.token_families.values())


async def test_a_token_presented_again_moments_after_its_lost_response_gets_a_new_successor(
    sessions: SessionService, viewer: User, clock: FakeClock
) -> None:
    first = await sessions.sign_in(SignIn("vera", PASSWORD))
    lost = await sessions.refresh(first.refresh_token)  # the client never saw this answer
    clock.advance(seconds=5)
    retried = await sessions.refresh(first.refresh_token)
    assert retried.session_id == first.session_id and retried.user_id == viewer.id
    assert retried.refresh_token != lost.refresh_token
    clock.advance(seconds=60)
    assert (await sessions.refresh(retried.refresh_token)).session_id == first.session_id
    clock.advance(seconds=60)
    with pytest.raises(InvalidToken):
        await sessions.refresh(lost.refresh_token)  # spent in the retry's place, long ago now


async def test_a_browser_session_refreshes_only_with_its_binding_proof(
    sessions: SessionService, viewer: User, store: Store
) -> None:
    browser = await sessions.sign_in(SignIn("vera", PASSWORD), browser=True)
    assert browser.refresh_token.startswith("mch_rb_") and browser.binding
    other = await sessions.sign_in(SignIn("vera", PASSWORD), browser=True)
    for proof in (None, "", "0" * 64, other.binding):
        with pytest.raises(InvalidToken):
            await sessions.refresh(browser.refresh_token, binding=proof)
    with pytest.raises(InvalidToken):
        await sessions.sign_out(browser.refresh_token)  # the cookie alone is no credential
    assert all(t.used_at is None for t in store.refresh_tokens.values())  # nothing was spent
    rotated = await sessions.refresh(browser.refresh_token, binding=browser.binding)
    assert rotated.refresh_token.startswith("mch_rb_")
    assert rotated.binding == browser.binding  # one proof for the whole session


async def test_other_clients_refresh_without_a_proof_and_are_refused_with_one(
    sessions: SessionService, viewer: User
) -> None:
    session = await sessions.sign_in(SignIn("vera", PASSWORD))
    assert session.refresh_token.startswith("mch_rt_") and session.binding is None
    with pytest.raises(InvalidToken):
        await sessions.refresh(session.refresh_token, binding="anything")
    assert (await sessions.refresh(session.refresh_token)).binding is None

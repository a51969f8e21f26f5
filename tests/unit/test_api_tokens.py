from __future__ import annotations

from datetime import timedelta

import pytest

from domain.auth import opaque_tokens
from domain.auth.api_tokens import ApiTokenService
from domain.auth.authenticator import Authenticator
from domain.auth.commands import CreateApiToken, RevokeApiToken
from domain.errors import DomainError, NotFound, Unauthenticated
from domain.users.model import User
from tests.unit.fake_store import Store
from tests.unit.fakes import FakeClock


async def test_an_api_token_is_shown_once_stored_hashed_and_works_as_bearer(
    api_tokens: ApiTokenService, authenticator: Authenticator, viewer: User, store: Store
) -> None:
    secret, token = await api_tokens.create(viewer, CreateApiToken("ci"))
    assert secret.startswith(opaque_tokens.API_TOKEN_PREFIX)
    assert store.api_tokens[token.id].token_hash == opaque_tokens.digest(secret)
    assert (await authenticator.authenticate(secret)).id == viewer.id
    assert store.api_tokens[token.id].last_used_at is not None


async def test_a_revoked_api_token_stops_working(
    api_tokens: ApiTokenService, authenticator: Authenticator, viewer: User
) -> None:
    secret, token = await api_tokens.create(viewer, CreateApiToken("ci"))
    revoked = await api_tokens.revoke(viewer, RevokeApiToken(token.id))
    assert revoked.revoked_at is not None
    with pytest.raises(Unauthenticated):
        await authenticator.authenticate(secret)


async def test_an_expired_api_token_stops_working(
    api_tokens: ApiTokenService, authenticator: Authenticator, viewer: User, clock: FakeClock
) -> None:
    expires = clock.now() + timedelta(hours=1)
    secret, _ = await api_tokens.create(viewer, CreateApiToken("short", expires))
    clock.advance(hours=2)
    with pytest.raises(Unauthenticated):
        await authenticator.authenticate(secret)


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
async def test_api_token_names_must_be_sensible(
    api_tokens: ApiTokenService, viewer: User, name: str
) -> None:
    with pytest.raises(DomainError) as caught:
        await api_tokens.create(viewer, CreateApiToken(name))
    assert caught.value.field == ("name",)


async def test_an_api_token_cannot_expire_in_the_past(
    api_tokens: ApiTokenService, viewer: User, clock: FakeClock
) -> None:
    with pytest.raises(DomainError) as caught:
        await api_tokens.create(viewer, CreateApiToken("old", clock.now() - timedelta(seconds=1)))
    assert caught.value.field == ("expires_at",)


async def test_someone_elses_token_looks_missing_unless_you_are_admin(
    api_tokens: ApiTokenService, admin: User, viewer: User
) -> None:
    _, token = await api_tokens.create(admin, CreateApiToken("admin's"))
    with pytest.raises(NotFound):
        await api_tokens.revoke(viewer, RevokeApiToken(token.id))
    _, vera_token = await api_tokens.create(viewer, CreateApiToken("vera's"))
    assert (await api_tokens.revoke(admin, RevokeApiToken(vera_token.id))).revoked_at is not None

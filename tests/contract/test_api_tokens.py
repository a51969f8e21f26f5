"""Personal API tokens: found by digest, listed per user, touched only when stale."""

from __future__ import annotations

import uuid
from datetime import datetime

from domain.auth.model import ApiToken
from tests.contract.backends import Backend
from tests.contract.rows import NOW, a_user, at, given


async def test_a_stored_token_is_found_by_id_and_digest_and_saved_with_its_change(
    backend: Backend,
) -> None:
    user = a_user("owner")
    token = ApiToken(user.id, "ci", "f" * 64, NOW, at(86400))
    await given(backend.uow, user, token)
    async with backend.uow() as work:
        assert await work.api_tokens.get(token.id) == token
        assert await work.api_tokens.get(uuid.uuid4()) is None
        assert await work.api_tokens.get_by_hash("f" * 64) == token
        assert await work.api_tokens.get_by_hash("0" * 64) is None
    token.revoke(at(1))
    async with backend.uow() as work:
        await work.api_tokens.save(token)
        await work.commit()
    async with backend.uow() as work:
        assert await work.api_tokens.get(token.id) == token


async def test_a_users_tokens_are_listed_by_creation_then_id(backend: Backend) -> None:
    user, other = a_user("many"), a_user("other")
    tokens = [ApiToken(user.id, f"t{n}", f"{n:064d}", at(n // 2)) for n in range(4)]
    await given(backend.uow, user, other, *tokens, ApiToken(other.id, "x", "x" * 64, NOW))
    async with backend.uow() as work:
        listed = await work.api_tokens.list_for_user(user.id)
    assert listed == sorted(tokens, key=lambda token: (token.created_at, token.id))


async def test_touching_a_token_moves_its_last_use_only_when_stale(backend: Backend) -> None:
    user = a_user("toucher")
    token = ApiToken(user.id, "ci", "d" * 64, NOW, last_used_at=NOW)
    never = ApiToken(user.id, "new", "e" * 64, NOW)
    await given(backend.uow, user, token, never)

    async def touch(when: float, not_since: float) -> list[datetime | None]:
        async with backend.uow() as work:
            for each in (token, never):
                await work.api_tokens.touch(each.id, at(when), not_since=at(not_since))
            await work.commit()
        async with backend.uow() as work:
            stored = [await work.api_tokens.get(each.id) for each in (token, never)]
        return [each.last_used_at if each else None for each in stored]

    assert await touch(30, not_since=-60) == [NOW, at(30)], "fresh: left alone; never used: set"
    assert await touch(40, not_since=0) == [NOW, at(30)], "not before not_since: still fresh"
    assert await touch(50, not_since=45) == [at(50), at(50)]

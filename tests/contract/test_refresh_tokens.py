"""Refresh tokens: families (sessions) revoked once, tokens spent once, the chain's end."""

from __future__ import annotations

import dataclasses
import uuid

from domain.auth.model import TokenFamily
from tests.contract.backends import Backend
from tests.contract.rows import NOW, a_refresh_token, a_user, at, given


async def test_revoking_a_family_keeps_its_first_revocation_and_spares_the_others(
    backend: Backend,
) -> None:
    user = a_user("signed-in")
    family, other = TokenFamily(user.id, NOW), TokenFamily(user.id, NOW)
    await given(backend.uow, user, family, other)
    for when in (at(1), at(2)):
        family.revoked_at = None  # the second time, a copy that missed the first revocation
        family.revoke(when)
        async with backend.uow() as work:
            await work.refresh_tokens.revoke_family(family)
            await work.commit()
    async with backend.uow() as work:
        locked = await work.refresh_tokens.lock_family(family.id)
        active = [await work.refresh_tokens.is_family_active(f.id) for f in (family, other)]
        assert await work.refresh_tokens.lock_family(uuid.uuid4()) is None
        assert not await work.refresh_tokens.is_family_active(uuid.uuid4())
    assert (locked, active) == (TokenFamily(user.id, NOW, at(1), family.id), [False, True])


async def test_revoking_all_of_a_users_families_spares_other_users(backend: Backend) -> None:
    alice, bob = a_user("alice"), a_user("bob")
    earlier = TokenFamily(alice.id, NOW, revoked_at=at(-5))
    families = [TokenFamily(alice.id, NOW), earlier, TokenFamily(bob.id, NOW)]
    await given(backend.uow, alice, bob, *families)
    async with backend.uow() as work:
        await work.refresh_tokens.revoke_all_for_user(alice.id, at(1))
        await work.commit()
    async with backend.uow() as work:
        stored = [await work.refresh_tokens.lock_family(f.id) for f in families]
    assert [f and f.revoked_at for f in stored] == [at(1), at(-5), None]


async def test_a_refresh_token_is_spent_only_once(backend: Backend) -> None:
    user = a_user("spender")
    family = TokenFamily(user.id, NOW)
    token = a_refresh_token(family, "e" * 64, NOW)
    await given(backend.uow, user, family, token)
    async with backend.uow() as work:
        spent = [
            await work.refresh_tokens.spend(token.id, at(1)),
            await work.refresh_tokens.spend(token.id, at(2)),
            await work.refresh_tokens.spend(uuid.uuid4(), at(2)),
        ]
        await work.commit()
    async with backend.uow() as work:
        assert await work.refresh_tokens.spend(token.id, at(3)) is False
        stored = await work.refresh_tokens.get_by_hash("e" * 64)
        assert await work.refresh_tokens.get_by_hash("f" * 64) is None
    assert (spent, stored) == (
        [True, False, False],
        dataclasses.replace(token, used_at=at(1)),
    )


async def test_the_unused_token_of_a_family_is_the_newest_unspent_one(backend: Backend) -> None:
    user = a_user("rotating")
    family, other = TokenFamily(user.id, NOW), TokenFamily(user.id, NOW)
    chain = [a_refresh_token(family, f"{n:064d}", at(n)) for n in range(3)]
    await given(backend.uow, user, family, other, *chain, a_refresh_token(other, "o" * 64, at(9)))
    async with backend.uow() as work:
        await work.refresh_tokens.spend(chain[2].id, at(3))
        await work.commit()
    async with backend.uow() as work:
        assert await work.refresh_tokens.unused_in_family(family.id) == chain[1]
        for token in chain[:2]:
            await work.refresh_tokens.spend(token.id, at(4))
        assert await work.refresh_tokens.unused_in_family(family.id) is None

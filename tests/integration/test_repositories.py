"""The SQLAlchemy repositories against the real database of the run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.auth.model import ApiToken, RefreshToken, TokenFamily
from domain.errors import ErrorCode, ValidationFailed
from domain.paging import Page
from domain.ports import UnitOfWorkFactory
from domain.users.model import Role, User
from infra.bootstrap import Application
from infra.db.engine import create_session_factory
from infra.db.unit_of_work import SqlAlchemyUnitOfWork

NOW = datetime(2026, 3, 1, 9, 30, 15, 123000, tzinfo=UTC)


def make_user(name: str, created_at: datetime = NOW, role: Role = Role.VIEWER) -> User:
    return User(name, f"{name}@example.com", "hash", role, created_at, created_at)


@pytest.fixture
def uow(application: Application) -> UnitOfWorkFactory:
    factory = create_session_factory(application.database)
    return lambda **_: SqlAlchemyUnitOfWork(factory)


async def test_a_user_round_trips_with_aware_utc_timestamps(uow: UnitOfWorkFactory) -> None:
    user = make_user("alice")
    async with uow() as work:
        await work.users.add(user)
        await work.commit()
    async with uow() as work:
        loaded = await work.users.get(user.id)
    assert loaded == user
    assert loaded.created_at.tzinfo is not None and loaded.created_at == NOW


async def test_uncommitted_work_is_rolled_back(uow: UnitOfWorkFactory) -> None:
    user = make_user("ghost")
    async with uow() as work:
        await work.users.add(user)
    async with uow() as work:
        assert await work.users.get(user.id) is None


async def test_user_pages_follow_created_at_then_id(uow: UnitOfWorkFactory) -> None:
    users = [make_user(f"u{i}", NOW + timedelta(seconds=i // 2)) for i in range(5)]
    async with uow() as work:
        for user in users:
            await work.users.add(user)
        await work.commit()
    expected = sorted(users, key=lambda u: (u.created_at, u.id))
    async with uow() as work:
        first = await work.users.page(Page(2))
        rest = await work.users.page(Page(10, (first[-1].created_at, first[-1].id)))
    assert [u.id for u in first + rest] == [u.id for u in expected]


async def test_admins_are_counted_only_when_active(uow: UnitOfWorkFactory) -> None:
    inactive = make_user("old-admin", role=Role.ADMIN)
    inactive.is_active = False
    async with uow() as work:
        for user in (make_user("boss", role=Role.ADMIN), inactive, make_user("pleb")):
            await work.users.add(user)
        await work.commit()
    async with uow() as work:
        assert await work.users.count_active_admins() == 1


async def test_revoking_a_family_leaves_other_families_alone(uow: UnitOfWorkFactory) -> None:
    user = make_user("fam")
    family, other = TokenFamily(user.id, NOW), TokenFamily(user.id, NOW)
    async with uow() as work:
        await work.users.add(user)
        for index, fam in enumerate([family, family, other]):
            if index != 1:
                await work.refresh_tokens.add_family(fam)
            await work.refresh_tokens.add(
                RefreshToken(user.id, fam.id, f"{index:064d}", NOW, NOW + timedelta(days=1))
            )
        family.revoke(NOW)
        await work.refresh_tokens.revoke_family(family)
        await work.commit()
    async with uow() as work:
        assert not await work.refresh_tokens.is_family_active(family.id)
        assert await work.refresh_tokens.is_family_active(other.id)
        locked = await work.refresh_tokens.lock_family(family.id)
        stored = await work.refresh_tokens.get_by_hash(f"{0:064d}")
    assert locked is not None and locked.revoked_at == NOW
    assert stored is not None and stored.family_id == family.id


async def test_revoking_all_families_of_a_user(uow: UnitOfWorkFactory) -> None:
    alice, bob = make_user("alice2"), make_user("bob2")
    families = [TokenFamily(alice.id, NOW), TokenFamily(alice.id, NOW), TokenFamily(bob.id, NOW)]
    async with uow() as work:
        await work.users.add(alice)
        await work.users.add(bob)
        for family in families:
            await work.refresh_tokens.add_family(family)
        await work.refresh_tokens.revoke_all_for_user(alice.id, NOW)
        await work.commit()
    async with uow() as work:
        active = [await work.refresh_tokens.is_family_active(f.id) for f in families]
    assert active == [False, False, True]


async def test_api_tokens_are_found_by_digest_and_listed_per_user(uow: UnitOfWorkFactory) -> None:
    user = make_user("tok")
    token = ApiToken(user.id, "ci", "f" * 64, NOW, NOW + timedelta(days=1))
    async with uow() as work:
        await work.users.add(user)
        await work.api_tokens.add(token)
        await work.commit()
    async with uow() as work:
        found = await work.api_tokens.get_by_hash("f" * 64)
        assert found == token
        found.last_used_at = NOW + timedelta(minutes=5)
        await work.api_tokens.save(found)
        await work.commit()
    async with uow() as work:
        listed = await work.api_tokens.list_for_user(user.id)
    assert [t.last_used_at for t in listed] == [NOW + timedelta(minutes=5)]


async def test_a_refresh_token_is_spent_only_once(uow: UnitOfWorkFactory) -> None:
    user = make_user("spender")
    family = TokenFamily(user.id, NOW)
    token = RefreshToken(user.id, family.id, "e" * 64, NOW, NOW + timedelta(days=1))
    async with uow() as work:
        await work.users.add(user)
        await work.refresh_tokens.add_family(family)
        await work.refresh_tokens.add(token)
        await work.commit()
    async with uow() as work:
        assert await work.refresh_tokens.spend(token.id, NOW)
        assert not await work.refresh_tokens.spend(token.id, NOW)
        await work.commit()
    async with uow() as work:
        spent = await work.refresh_tokens.get_by_hash("e" * 64)
        assert spent is not None and spent.used_at == NOW


async def test_a_duplicate_insert_becomes_a_username_taken_error(uow: UnitOfWorkFactory) -> None:
    async with uow() as work:
        await work.users.add(make_user("dup"))
        await work.commit()
    twin = make_user("dup")
    twin.email = "another@example.com"
    with pytest.raises(ValidationFailed) as caught:
        async with uow() as work:
            await work.users.add(twin)
    assert caught.value.problems[0].code is ErrorCode.USERNAME_TAKEN
    same_email = make_user("other-name")
    same_email.email = "dup@example.com"
    with pytest.raises(ValidationFailed) as caught:
        async with uow() as work:
            await work.users.add(same_email)
    assert caught.value.problems[0].code is ErrorCode.EMAIL_TAKEN


async def test_touching_an_api_token_only_moves_a_stale_last_used(uow: UnitOfWorkFactory) -> None:
    user = make_user("toucher")
    token = ApiToken(user.id, "ci", "d" * 64, NOW, None, last_used_at=NOW)
    async with uow() as work:
        await work.users.add(user)
        await work.api_tokens.add(token)
        await work.commit()
    later = NOW + timedelta(seconds=30)
    async with uow() as work:
        await work.api_tokens.touch(token.id, later, not_since=NOW - timedelta(minutes=1))
        await work.commit()
        touched = await work.api_tokens.get(token.id)
        assert touched is not None and touched.last_used_at == NOW
    async with uow() as work:
        await work.api_tokens.touch(token.id, later, not_since=later)
        await work.commit()
    async with uow() as work:
        touched = await work.api_tokens.get(token.id)
        assert touched is not None and touched.last_used_at == later

"""The SQLAlchemy repositories against the real database of the run."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from domain.auth.model import ApiToken, RefreshToken
from domain.users.model import Role, User
from infra.bootstrap import Container
from infra.db.engine import create_session_factory
from infra.db.unit_of_work import SqlAlchemyUnitOfWork

NOW = datetime(2026, 3, 1, 9, 30, 15, 123000, tzinfo=UTC)


def make_user(name: str, created_at: datetime = NOW, role: Role = Role.VIEWER) -> User:
    return User(name, f"{name}@example.com", "hash", role, created_at, created_at)


@pytest.fixture
def uow(container: Container):
    factory = create_session_factory(container.engine)
    return lambda: SqlAlchemyUnitOfWork(factory)


async def test_a_user_round_trips_with_aware_utc_timestamps(uow) -> None:
    user = make_user("alice")
    async with uow() as work:
        await work.users.add(user)
        await work.commit()
    async with uow() as work:
        loaded = await work.users.get(user.id)
    assert loaded == user
    assert loaded.created_at.tzinfo is not None and loaded.created_at == NOW


async def test_uncommitted_work_is_rolled_back(uow) -> None:
    user = make_user("ghost")
    async with uow() as work:
        await work.users.add(user)
    async with uow() as work:
        assert await work.users.get(user.id) is None


async def test_usernames_are_unique_in_the_database(uow) -> None:
    async with uow() as work:
        await work.users.add(make_user("twin"))
        await work.commit()
    other = make_user("twin")
    other.email = "other@example.com"
    with pytest.raises(IntegrityError):
        async with uow() as work:
            await work.users.add(other)


async def test_user_pages_follow_created_at_then_id(uow) -> None:
    users = [make_user(f"u{i}", NOW + timedelta(seconds=i // 2)) for i in range(5)]
    async with uow() as work:
        for user in users:
            await work.users.add(user)
        await work.commit()
    expected = sorted(users, key=lambda u: (u.created_at, u.id))
    async with uow() as work:
        first = await work.users.page(2, None)
        rest = await work.users.page(10, (first[-1].created_at, first[-1].id))
    assert [u.id for u in first + rest] == [u.id for u in expected]


async def test_admins_are_counted_only_when_active(uow) -> None:
    inactive = make_user("old-admin", role=Role.ADMIN)
    inactive.is_active = False
    async with uow() as work:
        for user in (make_user("boss", role=Role.ADMIN), inactive, make_user("pleb")):
            await work.users.add(user)
        await work.commit()
    async with uow() as work:
        assert await work.users.count_active_admins() == 1


async def test_revoking_a_refresh_family_leaves_other_families_alone(uow) -> None:
    user = make_user("fam")
    family, other_family = uuid.uuid4(), uuid.uuid4()
    tokens = [
        RefreshToken(user.id, fam, f"{i:064d}", NOW, NOW + timedelta(days=1))
        for i, fam in enumerate([family, family, other_family])
    ]
    async with uow() as work:
        await work.users.add(user)
        for token in tokens:
            await work.refresh_tokens.add(token)
        await work.refresh_tokens.revoke_family(family, NOW)
        await work.commit()
    async with uow() as work:
        assert not await work.refresh_tokens.is_family_active(family)
        assert await work.refresh_tokens.is_family_active(other_family)
        stored = await work.refresh_tokens.get_by_hash(f"{0:064d}")
    assert stored is not None and stored.revoked_at == NOW


async def test_api_tokens_are_found_by_digest_and_listed_per_user(uow) -> None:
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


async def test_a_refresh_token_is_spent_only_once(uow) -> None:
    user = make_user("spender")
    token = RefreshToken(user.id, uuid.uuid4(), "e" * 64, NOW, NOW + timedelta(days=1))
    async with uow() as work:
        await work.users.add(user)
        await work.refresh_tokens.add(token)
        await work.commit()
    async with uow() as work:
        assert await work.refresh_tokens.spend(token.id, NOW)
        assert not await work.refresh_tokens.spend(token.id, NOW)
        await work.commit()
    async with uow() as work:
        assert (await work.refresh_tokens.get_by_hash("e" * 64)).used_at == NOW

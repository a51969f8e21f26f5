"""The user repository: lookups for sign-in, pages for the admin, and the last-admin rule."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import ErrorCode, ValidationFailed
from domain.paging import Page
from domain.users.model import Role
from tests.contract.backends import Backend
from tests.contract.rows import a_user, at, given


async def test_a_stored_user_is_found_by_id_username_email_and_among_many(
    backend: Backend,
) -> None:
    alice, bob = a_user("alice"), a_user("bob")
    await given(backend.uow, alice, bob)
    async with backend.uow() as work:
        assert await work.users.get(alice.id) == alice
        assert await work.users.get(uuid.uuid4()) is None
        assert await work.users.get_by_username("bob") == bob
        assert await work.users.get_by_username("carol") is None
        assert await work.users.get_by_email("alice@example.com") == alice
        assert await work.users.get_by_email("carol@example.com") is None
        many = await work.users.get_many([bob.id, alice.id, uuid.uuid4()])
        assert sorted(many, key=lambda user: user.username) == [alice, bob]
        assert await work.users.get_many([]) == []


async def test_a_saved_user_reads_back_with_the_change(backend: Backend) -> None:
    user = a_user("changed")
    await given(backend.uow, user)
    user.change(at(1), role=Role.MAINTAINER, is_active=False, password_hash="new-hash")
    async with backend.uow() as work:
        await work.users.save(user)
        await work.commit()
    async with backend.uow() as work:
        assert await work.users.get(user.id) == user


async def test_saving_a_user_that_was_never_stored_raises_lookup_error(backend: Backend) -> None:
    async with backend.uow() as work:
        with pytest.raises(LookupError):
            await work.users.save(a_user("ghost"))


@pytest.mark.parametrize(
    ("username", "email", "problem"),
    [
        (
            "dup",
            "other@example.com",
            (ErrorCode.USERNAME_TAKEN, ("username",), "Username is taken."),
        ),
        (
            "other",
            "dup@example.com",
            (ErrorCode.EMAIL_TAKEN, ("email",), "Email is already in use."),
        ),
    ],
)
async def test_a_duplicate_username_or_email_raises_validation_failed(
    backend: Backend, username: str, email: str, problem: tuple[ErrorCode, tuple[str, ...], str]
) -> None:
    await given(backend.uow, a_user("dup"))
    twin = a_user(username)
    twin.email = email
    with pytest.raises(ValidationFailed) as caught:
        async with backend.uow() as work:
            await work.users.add(twin)
    assert [(p.code, p.field, p.message) for p in caught.value.problems] == [problem]
    async with backend.uow() as work:
        assert len(await work.users.page(Page(10))) == 1


async def test_pages_follow_created_at_then_id_after_the_cursor(backend: Backend) -> None:
    users = [a_user(f"user{i}", created_at=at(i // 2)) for i in range(5)]
    await given(backend.uow, *users)
    expected = sorted(users, key=lambda user: (user.created_at, user.id))
    async with backend.uow() as work:
        first = await work.users.page(Page(2))
        rest = await work.users.page(Page(10, (first[-1].created_at, first[-1].id)))
    assert (first, rest) == (expected[:2], expected[2:])


async def test_only_active_admins_are_counted(backend: Backend) -> None:
    retired = a_user("retired", role=Role.ADMIN)
    retired.is_active = False
    others = [a_user("boss", role=Role.ADMIN), a_user("chief", role=Role.ADMIN), retired]
    await given(backend.uow, *others, a_user("keeper", role=Role.MAINTAINER), a_user("viewer"))
    async with backend.uow() as work:
        assert await work.users.count_active_admins() == 2

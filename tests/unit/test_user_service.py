from __future__ import annotations

import pytest

from domain.auth.sessions import SessionService
from domain.errors import DomainError, ErrorCode, Forbidden, ValidationFailed
from domain.paging import Page
from domain.users.commands import CreateUser, UpdateUser
from domain.users.model import Role, User
from domain.users.service import UserService
from tests.unit.conftest import PASSWORD
from tests.unit.fake_store import Store
from tests.unit.fakes import FakeClock


async def test_an_admin_creates_a_user_with_normalized_names(
    users: UserService, admin: User, store: Store
) -> None:
    user = await users.create_user(admin, CreateUser(" Alice ", "ALICE@Example.com", PASSWORD))
    assert (user.username, user.email, user.role) == ("alice", "alice@example.com", Role.VIEWER)
    assert store.users[user.id].password_hash == f"hashed:{PASSWORD}"
    assert [e.action for e in store.audit][-1] == "user.created"


async def test_every_invalid_field_is_reported_at_once(users: UserService, admin: User) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await users.create_user(admin, CreateUser("-x", "not-an-email", "short"))
    fields = [(p.code, p.field) for p in caught.value.problems]
    assert fields == [
        (ErrorCode.INVALID_INPUT, ("username",)),
        (ErrorCode.INVALID_INPUT, ("email",)),
        (ErrorCode.WEAK_PASSWORD, ("password",)),
    ]


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaaaaaa", "alice-is-my-password", "x" * 257],
    ids=["repetitive", "contains-username", "too-long"],
)
async def test_weak_passwords_are_refused(users: UserService, admin: User, password: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await users.create_user(admin, CreateUser("alice", "alice@example.com", password))
    assert caught.value.problems[0].code is ErrorCode.WEAK_PASSWORD


async def test_duplicate_username_and_email_are_both_reported(
    users: UserService, admin: User
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await users.create_user(admin, CreateUser("ROOT", "root@example.com", PASSWORD))
    assert [p.code for p in caught.value.problems] == [
        ErrorCode.USERNAME_TAKEN,
        ErrorCode.EMAIL_TAKEN,
    ]


@pytest.mark.parametrize("role", [Role.MAINTAINER, Role.VIEWER])
async def test_only_admins_create_users(
    users: UserService, admin: User, role: Role, store: Store
) -> None:
    actor = await users.create_user(admin, CreateUser("actor", "actor@example.com", PASSWORD, role))
    before = len(store.users)
    with pytest.raises(Forbidden):
        await users.create_user(actor, CreateUser("eve", "eve@example.com", PASSWORD))
    assert len(store.users) == before


async def test_ensure_admin_creates_the_first_admin_only(users: UserService, store: Store) -> None:
    first = await users.ensure_admin("boss", "boss@example.com", PASSWORD)
    second = await users.ensure_admin("other", "other@example.com", PASSWORD)
    assert first is not None and first.role is Role.ADMIN
    assert second is None
    assert [u.username for u in store.users.values()] == ["boss"]


async def test_a_user_changes_their_own_password_with_the_current_one(
    users: UserService, viewer: User, store: Store
) -> None:
    command = UpdateUser(viewer.id, password="a-brand-new-passphrase", current_password=PASSWORD)
    await users.update_user(viewer, command)
    assert store.users[viewer.id].password_hash == "hashed:a-brand-new-passphrase"


async def test_changing_your_own_password_needs_the_current_one(
    users: UserService, viewer: User
) -> None:
    with pytest.raises(DomainError) as caught:
        await users.update_user(viewer, UpdateUser(viewer.id, password="a-brand-new-passphrase"))
    assert caught.value.code is ErrorCode.INVALID_CREDENTIALS
    assert caught.value.field == ("current_password",)


@pytest.mark.parametrize(
    "change", [{"role": Role.ADMIN}, {"is_active": False}], ids=["role", "activation"]
)
async def test_a_non_admin_cannot_change_their_own_role_or_activation(
    users: UserService, viewer: User, change: dict
) -> None:
    with pytest.raises(Forbidden):
        await users.update_user(viewer, UpdateUser(viewer.id, **change))


async def test_a_non_admin_cannot_change_someone_else(
    users: UserService, admin: User, viewer: User
) -> None:
    with pytest.raises(Forbidden):
        await users.update_user(viewer, UpdateUser(admin.id, password="a-brand-new-passphrase"))


async def test_an_admin_changes_a_role_and_deactivation_ends_sessions(
    users: UserService, admin: User, viewer: User, store: Store, sessions: SessionService
) -> None:
    from domain.auth.commands import SignIn

    await sessions.sign_in(SignIn("vera", PASSWORD))
    updated = await users.update_user(
        admin, UpdateUser(viewer.id, role=Role.MAINTAINER, is_active=False)
    )
    assert (updated.role, updated.is_active) == (Role.MAINTAINER, False)
    assert all(f.revoked_at is not None for f in store.token_families.values())


async def test_the_last_active_admin_cannot_be_demoted_or_deactivated(
    users: UserService, admin: User, store: Store
) -> None:
    for change in ({"role": Role.VIEWER}, {"is_active": False}):
        with pytest.raises(DomainError) as caught:
            await users.update_user(admin, UpdateUser(admin.id, **change))
        assert caught.value.code is ErrorCode.LAST_ADMIN
    assert store.users[admin.id].role is Role.ADMIN


async def test_users_are_listed_in_pages_with_one_lookahead_row(
    users: UserService, admin: User, clock: FakeClock
) -> None:
    for index in range(4):
        clock.advance(seconds=1)
        await users.create_user(
            admin, CreateUser(f"user{index}", f"u{index}@example.com", PASSWORD)
        )
    first_page = await users.list_users(admin, Page(2))
    assert [u.username for u in first_page] == ["root", "user0", "user1"]
    last = first_page[1]
    second_page = await users.list_users(admin, Page(2, (last.created_at, last.id)))
    assert [u.username for u in second_page] == ["user1", "user2", "user3"]


async def test_only_admins_list_or_read_other_users(
    users: UserService, admin: User, viewer: User
) -> None:
    with pytest.raises(Forbidden):
        await users.list_users(viewer, Page(10))
    with pytest.raises(Forbidden):
        await users.get_user(viewer, admin.id)
    assert (await users.get_user(viewer, viewer.id)) == viewer

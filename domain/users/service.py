"""User management: creating users, changing roles, activation and passwords."""

from __future__ import annotations

import uuid

from domain.audit.model import AuditEvent
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound, ValidationFailed
from domain.paging import Page
from domain.ports import PasswordHasher, UnitOfWork, UnitOfWorkFactory
from domain.users import validation
from domain.users.commands import CreateUser, UpdateUser
from domain.users.model import Role, User

MAX_PAGE_SIZE = 100


class UserService:
    def __init__(self, uow: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock) -> None:
        self._uow = uow
        self._hasher = hasher
        self._clock = clock

    async def create_user(self, actor: User | None, command: CreateUser) -> User:
        """Create a user; only an admin may (actor None means the trusted CLI or bootstrap)."""
        if actor is not None and not actor.is_admin:
            raise Forbidden("Only an admin can create users.")
        username = validation.normalize_username(command.username)
        email = validation.normalize_email(command.email)
        problems = [
            *validation.username_problems(username),
            *validation.email_problems(email),
            *validation.password_problems(command.password, username=username),
        ]
        if problems:
            raise ValidationFailed(problems)
        password_hash = await self._hasher.hash(command.password)
        async with self._uow() as uow:
            await self._ensure_unique(uow, username, email)
            now = self._clock.now()
            user = User(username, email, password_hash, command.role, now, now)
            await uow.users.add(user)
            await uow.audit.record(self._event(actor, "user.created", user, role=user.role))
            await uow.commit()
        return user

    async def ensure_admin(self, username: str, email: str, password: str) -> User | None:
        """Create this admin unless an active admin already exists (first-start bootstrap)."""
        if await self._has_active_admin():
            return None
        try:
            return await self.create_user(None, CreateUser(username, email, password, Role.ADMIN))
        except ValidationFailed:
            # Another process may have created it in the meantime; that is success too.
            if await self._has_active_admin():
                return None
            raise

    async def _has_active_admin(self) -> bool:
        async with self._uow(read_only=True) as uow:
            return await uow.users.count_active_admins() > 0

    async def update_user(self, actor: User, command: UpdateUser) -> User:
        is_self = actor.id == command.user_id
        if not actor.is_admin and (
            not is_self or command.role is not None or command.is_active is not None
        ):
            raise Forbidden("Only an admin can change other users, roles or activation.")
        new_hash = await self._new_password_hash(actor, command, is_self)
        async with self._uow() as uow:
            user = await uow.users.get(command.user_id)
            if user is None:
                raise NotFound("No user with this id.", field=("id",))
            await self._guard_last_admin(uow, user, command)
            now = self._clock.now()
            user.change(now, role=command.role, is_active=command.is_active, password_hash=new_hash)
            if new_hash is not None or command.is_active is False:
                # A new password or a deactivation ends every session of the account.
                await uow.refresh_tokens.revoke_all_for_user(user.id, now)
            await uow.users.save(user)
            changed = [
                k for k in ("role", "is_active", "password") if getattr(command, k) is not None
            ]
            await uow.audit.record(self._event(actor, "user.updated", user, changed=changed))
            await uow.commit()
        return user

    async def get_user(self, actor: User, user_id: uuid.UUID) -> User | None:
        if actor.id != user_id and not actor.is_admin:
            raise Forbidden("Only an admin can read other users.")
        async with self._uow(read_only=True) as uow:
            return await uow.users.get(user_id)

    async def users_by_ids(self, user_ids: list[uuid.UUID]) -> list[User]:
        async with self._uow(read_only=True) as uow:
            return await uow.users.get_many(user_ids)

    async def list_users(self, actor: User, page: Page) -> list[User]:
        """One page (plus one extra row, to tell whether more follow), admins only."""
        if not actor.is_admin:
            raise Forbidden("Only an admin can list users.")
        if page.limit < 0 or page.limit > MAX_PAGE_SIZE:
            raise DomainError(f"`first` must be between 0 and {MAX_PAGE_SIZE}.", field=("first",))
        async with self._uow(read_only=True) as uow:
            return await uow.users.page(page.and_one_more())

    async def _new_password_hash(
        self, actor: User, command: UpdateUser, is_self: bool
    ) -> str | None:
        if command.password is None:
            return None
        if is_self:
            # A stolen access token alone must not be enough to take over the account.
            current = command.current_password or ""
            if not await self._hasher.verify(actor.password_hash, current):
                raise DomainError(
                    "The current password is required and must be correct.",
                    code=ErrorCode.INVALID_CREDENTIALS,
                    field=("current_password",),
                )
        async with self._uow(read_only=True) as uow:
            target = await uow.users.get(command.user_id)
        username = target.username if target else ""
        problems = validation.password_problems(command.password, username=username)
        if problems:
            raise ValidationFailed(problems)
        return await self._hasher.hash(command.password)

    @staticmethod
    async def _guard_last_admin(uow: UnitOfWork, user: User, command: UpdateUser) -> None:
        loses_admin = (command.role is not None and command.role != Role.ADMIN) or (
            command.is_active is False
        )
        if user.is_admin and loses_admin and await uow.users.count_active_admins() <= 1:
            raise DomainError(
                "This is the last active admin; make another admin first.",
                code=ErrorCode.LAST_ADMIN,
            )

    @staticmethod
    async def _ensure_unique(uow: UnitOfWork, username: str, email: str) -> None:
        problems = []
        if await uow.users.get_by_username(username) is not None:
            problems.append(
                DomainError(
                    "Username is taken.", code=ErrorCode.USERNAME_TAKEN, field=("username",)
                )
            )
        if await uow.users.get_by_email(email) is not None:
            problems.append(
                DomainError(
                    "Email is already in use.", code=ErrorCode.EMAIL_TAKEN, field=("email",)
                )
            )
        if problems:
            raise ValidationFailed(problems)

    def _event(self, actor: User | None, action: str, user: User, **detail: object) -> AuditEvent:
        return AuditEvent(
            action=action,
            occurred_at=self._clock.now(),
            actor_id=actor.id if actor else None,
            target_type="User",
            target_id=str(user.id),
            detail={k: str(v) if not isinstance(v, list) else v for k, v in detail.items()},
        )

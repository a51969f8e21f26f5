from __future__ import annotations

import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError, ErrorCode, ValidationFailed
from domain.paging import Page
from domain.pending_events import PendingEvents
from domain.users.model import Role, User
from infra.db.rows import UserRow


class SqlAlchemyUserRepository:
    def __init__(self, session: AsyncSession, events: PendingEvents | None = None) -> None:
        self._session = session
        self._events = events or PendingEvents()

    async def add(self, user: User) -> None:
        self._session.add(UserRow.from_domain(user))
        try:
            await self._session.flush()
        except IntegrityError as error:
            # A concurrent insert won the race that the service's uniqueness check lost.
            raise duplicate_user(error) from None
        self._events.collect(user)

    async def save(self, user: User) -> None:
        row = await self._session.get(UserRow, user.id)
        if row is None:
            raise LookupError(f"user {user.id} is not stored")
        row.update_from(user)
        await self._session.flush()
        self._events.collect(user)

    async def get(self, user_id: uuid.UUID) -> User | None:
        row = await self._session.get(UserRow, user_id)
        return row.to_domain() if row else None

    async def get_many(self, user_ids: list[uuid.UUID]) -> list[User]:
        if not user_ids:
            return []
        rows = await self._session.scalars(select(UserRow).where(UserRow.id.in_(user_ids)))
        return [row.to_domain() for row in rows]

    async def get_by_username(self, username: str) -> User | None:
        row = await self._session.scalar(select(UserRow).where(UserRow.username == username))
        return row.to_domain() if row else None

    async def get_by_email(self, email: str) -> User | None:
        row = await self._session.scalar(select(UserRow).where(UserRow.email == email))
        return row.to_domain() if row else None

    async def page(self, page: Page) -> list[User]:
        query = select(UserRow).order_by(UserRow.created_at, UserRow.id).limit(page.limit)
        if page.after is not None:
            query = query.where(tuple_(UserRow.created_at, UserRow.id) > tuple_(*page.after))
        return [row.to_domain() for row in await self._session.scalars(query)]

    async def count_active_admins(self) -> int:
        # Locks the admins' rows (PostgreSQL) so two concurrent demotions cannot both pass.
        query = (
            select(UserRow.id)
            .where(UserRow.role == Role.ADMIN.value, UserRow.is_active)
            .with_for_update()
        )
        return len((await self._session.scalars(query)).all())


def duplicate_user(error: IntegrityError) -> ValidationFailed:
    detail = str(error.orig).lower()
    if "email" in detail:
        return ValidationFailed(
            [DomainError("Email is already in use.", code=ErrorCode.EMAIL_TAKEN, field=("email",))]
        )
    return ValidationFailed(
        [DomainError("Username is taken.", code=ErrorCode.USERNAME_TAKEN, field=("username",))]
    )

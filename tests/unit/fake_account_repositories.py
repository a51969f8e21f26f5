"""In-memory fakes of the account repositories, over the fake store's tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from domain.audit.model import AuditEvent
from domain.auth.model import ApiToken, RefreshToken, TokenFamily
from domain.errors import DomainError, ErrorCode, ValidationFailed
from domain.paging import Page
from domain.pending_events import PendingEvents
from domain.users.model import Role, User

if TYPE_CHECKING:
    from tests.unit.fake_store import Table


class FakeUserRepository:
    def __init__(self, rows: Table[uuid.UUID, User], events: PendingEvents) -> None:
        self._rows = rows
        self._events = events

    async def add(self, user: User) -> None:
        # Like the SQL adapter's unique columns: a concurrent insert may win the service's check.
        for other in self._rows.rows():
            if other.username == user.username:
                raise taken("Username is taken.", ErrorCode.USERNAME_TAKEN, "username")
            if other.email == user.email:
                raise taken("Email is already in use.", ErrorCode.EMAIL_TAKEN, "email")
        self._events.collect(user)
        self._rows.put(user.id, user)

    async def save(self, user: User) -> None:
        if not self._rows.has(user.id):
            raise LookupError(f"user {user.id} is not stored")
        self._events.collect(user)
        self._rows.put(user.id, user)

    async def get(self, user_id: uuid.UUID) -> User | None:
        return self._rows.get(user_id)

    async def get_many(self, user_ids: list[uuid.UUID]) -> list[User]:
        return [user for user in self._rows.rows() if user.id in user_ids]

    async def get_by_username(self, username: str) -> User | None:
        return next((u for u in self._rows.rows() if u.username == username), None)

    async def get_by_email(self, email: str) -> User | None:
        return next((u for u in self._rows.rows() if u.email == email), None)

    async def page(self, page: Page) -> list[User]:
        ordered = sorted(self._rows.rows(), key=lambda u: (u.created_at, u.id))
        if page.after is not None:
            ordered = [u for u in ordered if (u.created_at, u.id) > page.after]
        return ordered[: page.limit]

    async def count_active_admins(self) -> int:
        return sum(1 for u in self._rows.rows() if u.role is Role.ADMIN and u.is_active)


def taken(message: str, code: ErrorCode, field: str) -> ValidationFailed:
    return ValidationFailed([DomainError(message, code=code, field=(field,))])


class FakeRefreshTokenRepository:
    def __init__(
        self,
        families: Table[uuid.UUID, TokenFamily],
        tokens: Table[uuid.UUID, RefreshToken],
        events: PendingEvents,
    ) -> None:
        self._families = families
        self._rows = tokens
        self._events = events

    async def add_family(self, family: TokenFamily) -> None:
        self._events.collect(family)
        self._families.put(family.id, family)

    async def lock_family(self, family_id: uuid.UUID) -> TokenFamily | None:
        return self._families.get(family_id)

    async def revoke_family(self, family: TokenFamily) -> None:
        assert family.revoked_at is not None, "revoke the family before storing it"
        self._events.collect(family)
        self._revoke([family.id], family.revoked_at)

    async def revoke_all_for_user(self, user_id: uuid.UUID, at: datetime) -> None:
        mine = [f.id for f in self._families.rows() if f.user_id == user_id]
        self._revoke(mine, at)

    def _revoke(self, family_ids: list[uuid.UUID], at: datetime) -> None:
        for family_id in family_ids:
            family = self._families.get(family_id)
            if family is not None and family.revoked_at is None:
                family.revoked_at = at
                self._families.put(family_id, family)

    async def is_family_active(self, family_id: uuid.UUID) -> bool:
        family = self._families.get(family_id)
        return family is not None and family.revoked_at is None

    async def add(self, token: RefreshToken) -> None:
        self._rows.put(token.id, token)

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        return next((t for t in self._rows.rows() if t.token_hash == token_hash), None)

    async def spend(self, token_id: uuid.UUID, at: datetime) -> bool:
        token = self._rows.get(token_id)
        if token is None or token.used_at is not None:
            return False
        token.used_at = at
        self._rows.put(token_id, token)
        return True

    async def unused_in_family(self, family_id: uuid.UUID) -> RefreshToken | None:
        chain = [t for t in self._rows.rows() if t.family_id == family_id and not t.used_at]
        return max(chain, key=lambda t: t.created_at, default=None)


class FakeApiTokenRepository:
    def __init__(self, rows: Table[uuid.UUID, ApiToken], events: PendingEvents) -> None:
        self._rows = rows
        self._events = events

    async def add(self, token: ApiToken) -> None:
        self._events.collect(token)
        self._rows.put(token.id, token)

    async def save(self, token: ApiToken) -> None:
        self._events.collect(token)
        self._rows.put(token.id, token)

    async def get(self, token_id: uuid.UUID) -> ApiToken | None:
        return self._rows.get(token_id)

    async def get_by_hash(self, token_hash: str) -> ApiToken | None:
        return next((t for t in self._rows.rows() if t.token_hash == token_hash), None)

    async def touch(self, token_id: uuid.UUID, at: datetime, not_since: datetime) -> None:
        token = self._rows.get(token_id)
        if token is not None and (token.last_used_at is None or token.last_used_at < not_since):
            token.last_used_at = at
            self._rows.put(token_id, token)

    async def list_for_user(self, user_id: uuid.UUID) -> list[ApiToken]:
        tokens = [t for t in self._rows.rows() if t.user_id == user_id]
        return sorted(tokens, key=lambda t: (t.created_at, t.id))


class FakeAuditLog:
    def __init__(self, events: list[AuditEvent]) -> None:
        self._events = events

    async def record(self, event: AuditEvent) -> None:
        self._events.append(event)

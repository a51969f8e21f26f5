"""In-memory fakes of the domain's ports, for fast tests of the services."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Self

from domain.audit.model import AuditEvent
from domain.auth.model import ApiToken, RefreshToken, TokenFamily
from domain.ports import (
    ApiTokenRepository,
    AuditLog,
    BuildLogRepository,
    BuildRepository,
    HealthCheckRepository,
    RefreshTokenRepository,
    ToolRepository,
    ToolSecretRepository,
    UserPageKey,
    UserRepository,
)
from domain.users.model import Role, User


class FakeClock:
    def __init__(self, now: datetime | None = None) -> None:
        # Starts at the real time: JWT expiry is checked by PyJWT against the real clock.
        self.current = now or datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class FakePasswordHasher:
    async def hash(self, password: str) -> str:
        return f"hashed:{password}"

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"hashed:{password}"


class Store:
    """What the fake database holds; shared by every unit of work of one test."""

    def __init__(self) -> None:
        self.users: dict[uuid.UUID, User] = {}
        self.token_families: dict[uuid.UUID, TokenFamily] = {}
        self.refresh_tokens: dict[uuid.UUID, RefreshToken] = {}
        self.api_tokens: dict[uuid.UUID, ApiToken] = {}
        self.audit: list[AuditEvent] = []
        self.commits = 0


class FakeUserRepository:
    def __init__(self, data: dict[uuid.UUID, User]) -> None:
        self._data = data

    async def add(self, user: User) -> None:
        self._data[user.id] = copy.copy(user)

    async def save(self, user: User) -> None:
        self._data[user.id] = copy.copy(user)

    async def get(self, user_id: uuid.UUID) -> User | None:
        user = self._data.get(user_id)
        return copy.copy(user) if user else None

    async def get_many(self, user_ids: list[uuid.UUID]) -> list[User]:
        return [copy.copy(self._data[i]) for i in user_ids if i in self._data]

    async def get_by_username(self, username: str) -> User | None:
        return next((copy.copy(u) for u in self._data.values() if u.username == username), None)

    async def get_by_email(self, email: str) -> User | None:
        return next((copy.copy(u) for u in self._data.values() if u.email == email), None)

    async def page(self, limit: int, after: UserPageKey | None) -> list[User]:
        ordered = sorted(self._data.values(), key=lambda u: (u.created_at, u.id))
        if after is not None:
            ordered = [u for u in ordered if (u.created_at, u.id) > after]
        return [copy.copy(u) for u in ordered[:limit]]

    async def count_active_admins(self) -> int:
        return sum(1 for u in self._data.values() if u.role is Role.ADMIN and u.is_active)


class FakeRefreshTokenRepository:
    def __init__(
        self, families: dict[uuid.UUID, TokenFamily], tokens: dict[uuid.UUID, RefreshToken]
    ) -> None:
        self._families = families
        self._data = tokens

    async def add_family(self, family: TokenFamily) -> None:
        self._families[family.id] = copy.copy(family)

    async def lock_family(self, family_id: uuid.UUID) -> TokenFamily | None:
        family = self._families.get(family_id)
        return copy.copy(family) if family else None

    async def revoke_family(self, family_id: uuid.UUID, at: datetime) -> None:
        family = self._families.get(family_id)
        if family is not None and family.revoked_at is None:
            family.revoked_at = at

    async def revoke_all_for_user(self, user_id: uuid.UUID, at: datetime) -> None:
        for family in self._families.values():
            if family.user_id == user_id and family.revoked_at is None:
                family.revoked_at = at

    async def is_family_active(self, family_id: uuid.UUID) -> bool:
        family = self._families.get(family_id)
        return family is not None and family.revoked_at is None

    async def add(self, token: RefreshToken) -> None:
        self._data[token.id] = copy.copy(token)

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        found = next((t for t in self._data.values() if t.token_hash == token_hash), None)
        return copy.copy(found) if found else None

    async def spend(self, token_id: uuid.UUID, at: datetime) -> bool:
        token = self._data.get(token_id)
        if token is None or token.used_at is not None:
            return False
        token.used_at = at
        return True

    async def unused_in_family(self, family_id: uuid.UUID) -> RefreshToken | None:
        chain = [t for t in self._data.values() if t.family_id == family_id and not t.used_at]
        newest = max(chain, key=lambda t: t.created_at, default=None)
        return copy.copy(newest) if newest else None


class FakeApiTokenRepository:
    def __init__(self, data: dict[uuid.UUID, ApiToken]) -> None:
        self._data = data

    async def add(self, token: ApiToken) -> None:
        self._data[token.id] = copy.copy(token)

    async def save(self, token: ApiToken) -> None:
        self._data[token.id] = copy.copy(token)

    async def get(self, token_id: uuid.UUID) -> ApiToken | None:
        token = self._data.get(token_id)
        return copy.copy(token) if token else None

    async def get_by_hash(self, token_hash: str) -> ApiToken | None:
        found = next((t for t in self._data.values() if t.token_hash == token_hash), None)
        return copy.copy(found) if found else None

    async def touch(self, token_id: uuid.UUID, at: datetime, not_since: datetime) -> None:
        token = self._data[token_id]
        if token.last_used_at is None or token.last_used_at < not_since:
            token.last_used_at = at

    async def list_for_user(self, user_id: uuid.UUID) -> list[ApiToken]:
        return [copy.copy(t) for t in self._data.values() if t.user_id == user_id]


class FakeAuditLog:
    def __init__(self, events: list[AuditEvent]) -> None:
        self._events = events

    async def record(self, event: AuditEvent) -> None:
        self._events.append(event)


class FakeUnitOfWork:
    """Works on copies of the store and writes them back only on commit, like a transaction."""

    # FakeToolUnitOfWork's tables, declared here so that this fake is a whole UnitOfWork: the
    # services it stands for never reach them (one that did would fail on the missing attribute).
    tools: ToolRepository
    tool_secrets: ToolSecretRepository
    builds: BuildRepository
    build_logs: BuildLogRepository
    health_checks: HealthCheckRepository

    def __init__(self, store: Store) -> None:
        self._store = store

    async def __aenter__(self) -> Self:
        self._users = copy.deepcopy(self._store.users)
        self._families = copy.deepcopy(self._store.token_families)
        self._refresh = copy.deepcopy(self._store.refresh_tokens)
        self._api = copy.deepcopy(self._store.api_tokens)
        self._audit: list[AuditEvent] = []
        self.users: UserRepository = FakeUserRepository(self._users)
        self.refresh_tokens: RefreshTokenRepository = FakeRefreshTokenRepository(
            self._families, self._refresh
        )
        self.api_tokens: ApiTokenRepository = FakeApiTokenRepository(self._api)
        self.audit: AuditLog = FakeAuditLog(self._audit)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        self._store.users = self._users
        self._store.token_families = self._families
        self._store.refresh_tokens = self._refresh
        self._store.api_tokens = self._api
        self._store.audit.extend(self._audit)
        self._store.commits += 1

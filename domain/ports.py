"""The ports the use cases depend on; adapters in `infra` implement them."""

from __future__ import annotations

import uuid
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from domain.audit.model import AuditEvent
from domain.auth.model import (
    AccessTokenClaims,
    ApiToken,
    IssuedAccessToken,
    RefreshToken,
    TokenFamily,
)
from domain.users.model import User

UserPageKey = tuple[datetime, uuid.UUID]


class UserRepository(Protocol):
    async def add(self, user: User) -> None: ...
    async def save(self, user: User) -> None: ...
    async def get(self, user_id: uuid.UUID) -> User | None: ...
    async def get_many(self, user_ids: list[uuid.UUID]) -> list[User]: ...
    async def get_by_username(self, username: str) -> User | None: ...
    async def get_by_email(self, email: str) -> User | None: ...
    async def page(self, limit: int, after: UserPageKey | None) -> list[User]: ...
    async def count_active_admins(self) -> int: ...


class RefreshTokenRepository(Protocol):
    async def add_family(self, family: TokenFamily) -> None: ...
    async def lock_family(self, family_id: uuid.UUID) -> TokenFamily | None:
        """Read the family, holding a row lock until the transaction ends (where supported)."""
        ...

    async def revoke_family(self, family_id: uuid.UUID, at: datetime) -> None: ...
    async def revoke_all_for_user(self, user_id: uuid.UUID, at: datetime) -> None: ...
    async def is_family_active(self, family_id: uuid.UUID) -> bool: ...
    async def add(self, token: RefreshToken) -> None: ...
    async def get_by_hash(self, token_hash: str) -> RefreshToken | None: ...
    async def spend(self, token_id: uuid.UUID, at: datetime) -> bool:
        """Mark the token used if it still is unused; False if it was not."""
        ...


class ApiTokenRepository(Protocol):
    async def add(self, token: ApiToken) -> None: ...
    async def save(self, token: ApiToken) -> None: ...
    async def get(self, token_id: uuid.UUID) -> ApiToken | None: ...
    async def get_by_hash(self, token_hash: str) -> ApiToken | None: ...
    async def list_for_user(self, user_id: uuid.UUID) -> list[ApiToken]: ...
    async def touch(self, token_id: uuid.UUID, at: datetime, not_since: datetime) -> None:
        """Set `last_used_at` unless it is already later than `not_since`."""
        ...


class AuditLog(Protocol):
    async def record(self, event: AuditEvent) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: rolled back on exit unless `commit` was called."""

    users: UserRepository
    refresh_tokens: RefreshTokenRepository
    api_tokens: ApiTokenRepository
    audit: AuditLog

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool: ...


class AccessTokenCodec(Protocol):
    def issue(
        self, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime
    ) -> IssuedAccessToken: ...
    def decode(self, token: str) -> AccessTokenClaims:
        """Return the claims of a valid token; raise `InvalidToken` otherwise."""
        ...


class DatabaseProbe(Protocol):
    dialect: str

    async def is_reachable(self) -> bool: ...


class ContainerEngine(Protocol):
    async def engine_version(self) -> str | None:
        """The engine's version, or None when the engine cannot be reached."""
        ...


class SourceControl(Protocol):
    async def client_version(self) -> str | None: ...

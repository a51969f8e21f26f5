"""Credentials: refresh tokens (rotating, in families) and personal API tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from domain.entity import Entity
from domain.events import AccountChanged, SessionEnded


@dataclass
class TokenFamily(Entity):
    """One sign-in session: every refresh token rotated from it, and their access tokens.

    Revocation is recorded here, once, so that a token issued concurrently with a revocation
    cannot escape it.
    """

    user_id: uuid.UUID
    created_at: datetime
    revoked_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self, now: datetime) -> None:
        """The session ends: none of its tokens, refresh or access, works any more."""
        if self.revoked_at is None:
            self.revoked_at = now
        self._record(SessionEnded(self.id))


@dataclass
class RefreshToken:
    """One link in a family's rotation chain; it can be spent once."""

    user_id: uuid.UUID
    family_id: uuid.UUID
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class ApiToken(Entity):
    user_id: uuid.UUID
    name: str
    token_hash: str
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    def revoke(self, now: datetime) -> None:
        self.revoked_at = now
        self._record(AccountChanged(self.user_id))


@dataclass(frozen=True)
class AccessTokenClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID
    token_id: str
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Credential:
    """Who a bearer credential speaks for, and until when (for long-lived connections)."""

    user_id: uuid.UUID
    expires_at: datetime | None
    session_id: uuid.UUID | None = None


@dataclass(frozen=True)
class IssuedAccessToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class Session:
    """What a successful sign-in or refresh hands to the client."""

    access_token: IssuedAccessToken
    refresh_token: str
    user_id: uuid.UUID
    session_id: uuid.UUID | None = None
    # Browser sessions only: the proof that must accompany the refresh cookie.
    binding: str | None = None

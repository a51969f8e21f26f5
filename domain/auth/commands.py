"""Inputs of the authentication use cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SignIn:
    username: str
    password: str


@dataclass(frozen=True)
class CreateApiToken:
    name: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class RevokeApiToken:
    token_id: uuid.UUID

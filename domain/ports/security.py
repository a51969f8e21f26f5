"""Ports for hashing, token signing and secret encryption."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from domain.auth.model import (
    AccessTokenClaims,
    IssuedAccessToken,
)


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


class SecretCipher(Protocol):
    def encrypt(self, plaintext: str) -> bytes: ...
    def decrypt(self, ciphertext: bytes) -> str: ...

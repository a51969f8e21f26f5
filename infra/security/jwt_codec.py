"""Access tokens as HS256 JWTs with every registered claim required and checked."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt

from domain.auth.model import AccessTokenClaims, IssuedAccessToken
from domain.errors import InvalidToken

ALGORITHM = "HS256"
TOKEN_USE = "access"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "jti", "sub", "sid"]


class PyJWTCodec:
    def __init__(self, secret_key: str, issuer: str, audience: str, ttl: timedelta) -> None:
        self._key = secret_key
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl

    def issue(self, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime) -> IssuedAccessToken:
        expires_at = now + self._ttl
        claims = {
            "sub": str(user_id),
            "sid": str(session_id),
            "iss": self._issuer,
            "aud": self._audience,
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
            "jti": uuid.uuid4().hex,
            "use": TOKEN_USE,
        }
        token = jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"typ": "JWT"})
        return IssuedAccessToken(token=token, expires_at=expires_at.replace(microsecond=0))

    def decode(self, token: str) -> AccessTokenClaims:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": REQUIRED_CLAIMS},
            )
            if claims.get("use") != TOKEN_USE:
                raise InvalidToken("The token is not an access token.")
            return AccessTokenClaims(
                user_id=uuid.UUID(claims["sub"]),
                session_id=uuid.UUID(claims["sid"]),
                token_id=str(claims["jti"]),
                issued_at=datetime.fromtimestamp(claims["iat"], UTC),
                expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("The access token has expired.") from None
        except (jwt.InvalidTokenError, ValueError, TypeError):
            raise InvalidToken("The access token is invalid.") from None

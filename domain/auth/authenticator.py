"""Turning a bearer credential (access JWT or personal API token) into a user."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from domain.auth import opaque_tokens
from domain.auth.model import ApiToken, Credential
from domain.clock import Clock
from domain.errors import InvalidToken, Unauthenticated
from domain.ports import AccessTokenCodec, UnitOfWorkFactory
from domain.users.model import User

# Recording every use would turn each read into a write; a minute's precision is enough.
LAST_USED_PRECISION = timedelta(minutes=1)
logger = logging.getLogger(__name__)


class Authenticator:
    def __init__(self, uow: UnitOfWorkFactory, codec: AccessTokenCodec, clock: Clock) -> None:
        self._uow = uow
        self._codec = codec
        self._clock = clock

    async def authenticate(self, bearer: str) -> User:
        """Return the active user behind the credential or raise `Unauthenticated`."""
        return (await self.verify(bearer))[0]

    async def verify(self, bearer: str) -> tuple[User, Credential]:
        """The active user and what the credential is (its expiry, its session)."""
        if opaque_tokens.is_api_token(bearer):
            return await self._by_api_token(bearer)
        try:
            claims = self._codec.decode(bearer)
        except InvalidToken as error:
            raise Unauthenticated(str(error)) from None
        async with self._uow(read_only=True) as uow:
            user = await uow.users.get(claims.user_id)
            if user is None or not user.is_active:
                raise Unauthenticated("The account is not active.")
            if not await uow.refresh_tokens.is_family_active(claims.session_id):
                raise Unauthenticated("The session has ended.")
        return user, Credential(user.id, claims.expires_at, claims.session_id)

    async def _by_api_token(self, bearer: str) -> tuple[User, Credential]:
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:
            token = await uow.api_tokens.get_by_hash(opaque_tokens.digest(bearer))
            if token is None or not token.is_usable(now):
                raise Unauthenticated("The API token is invalid, expired or revoked.")
            user = await uow.users.get(token.user_id)
        if user is None or not user.is_active:
            raise Unauthenticated("The account is not active.")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            await self._note_use(token, now)
        return user, Credential(user.id, token.expires_at)

    async def _note_use(self, token: ApiToken, now: datetime) -> None:
        try:
            async with self._uow() as uow:
                await uow.api_tokens.touch(token.id, now, not_since=now - LAST_USED_PRECISION)
                await uow.commit()
        except Exception:
            # Best effort: a busy database must not turn a read into a failure.
            logger.warning("could not record the use of API token %s", token.id, exc_info=True)

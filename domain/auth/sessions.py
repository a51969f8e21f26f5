"""Sign-in, refresh-token rotation with reuse detection, and sign-out."""

from __future__ import annotations

import uuid
from datetime import timedelta

from domain.audit.model import AuditEvent
from domain.auth import opaque_tokens
from domain.auth.commands import SignIn
from domain.auth.model import RefreshToken, Session
from domain.auth.throttle import SignInThrottle
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, InvalidCredentials, InvalidToken
from domain.ports import AccessTokenCodec, PasswordHasher, UnitOfWork, UnitOfWorkFactory
from domain.users.validation import MAX_PASSWORD_LENGTH, normalize_username

INVALID_REFRESH_TOKEN = "The refresh token is invalid, expired or already used; sign in again."


class SessionService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        codec: AccessTokenCodec,
        clock: Clock,
        refresh_token_ttl: timedelta,
        throttle: SignInThrottle,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._codec = codec
        self._clock = clock
        self._refresh_ttl = refresh_token_ttl
        self._decoy_hash: str | None = None
        self._throttle = throttle

    async def sign_in(self, command: SignIn, client: str | None = None) -> Session:
        """Check a password; `client` identifies the caller (an address) for throttling."""
        username = normalize_username(command.username)[:64]
        if self._throttle.is_blocked(username, client, self._clock.now()):
            minutes = int(self._throttle.retry_after.total_seconds() // 60)
            raise DomainError(
                f"Too many failed sign-ins; try again in up to {minutes} minutes.",
                code=ErrorCode.RATE_LIMITED,
            )
        async with self._uow() as uow:
            user = await uow.users.get_by_username(username)
        password = command.password[: MAX_PASSWORD_LENGTH + 1]
        # Verify against a decoy when the user is unknown so that timing reveals nothing.
        stored_hash = user.password_hash if user else await self._decoy()
        matches = await self._hasher.verify(stored_hash, password)
        if user is None or not matches or not user.is_active:
            self._throttle.record_failure(username, client, self._clock.now())
            await self._record(
                AuditEvent("auth.sign_in_failed", self._clock.now(), detail={"username": username})
            )
            raise InvalidCredentials("Username or password is incorrect.")
        self._throttle.record_success(username)
        async with self._uow() as uow:
            session = await self._start_chain(uow, user.id, uuid.uuid4())
            await uow.audit.record(
                AuditEvent("auth.signed_in", self._clock.now(), user.id, "User", str(user.id))
            )
            await uow.commit()
        return session

    async def refresh(self, refresh_token: str) -> Session:
        """Rotate: the presented token is spent and a new one of the same family is issued.

        A token presented after it was spent has leaked (or raced): its whole family is revoked.
        """
        now = self._clock.now()
        async with self._uow() as uow:
            stored = await uow.refresh_tokens.get_by_hash(opaque_tokens.digest(refresh_token))
            if stored is None or stored.revoked_at is not None or now >= stored.expires_at:
                raise InvalidToken(INVALID_REFRESH_TOKEN)
            if not await uow.refresh_tokens.spend(stored.id, now):
                await uow.refresh_tokens.revoke_family(stored.family_id, now)
                await uow.audit.record(
                    AuditEvent(
                        "auth.refresh_token_reused",
                        now,
                        stored.user_id,
                        "User",
                        str(stored.user_id),
                    )
                )
                await uow.commit()
                raise InvalidToken(INVALID_REFRESH_TOKEN)
            user = await uow.users.get(stored.user_id)
            if user is None or not user.is_active:
                raise InvalidToken(INVALID_REFRESH_TOKEN)
            session = await self._start_chain(uow, user.id, stored.family_id)
            await uow.commit()
        return session

    async def sign_out(self, refresh_token: str) -> None:
        """End the session the token belongs to; its access tokens stop working too."""
        now = self._clock.now()
        async with self._uow() as uow:
            stored = await uow.refresh_tokens.get_by_hash(opaque_tokens.digest(refresh_token))
            if stored is None or stored.revoked_at is not None:
                raise InvalidToken(INVALID_REFRESH_TOKEN)
            await uow.refresh_tokens.revoke_family(stored.family_id, now)
            await uow.audit.record(
                AuditEvent("auth.signed_out", now, stored.user_id, "User", str(stored.user_id))
            )
            await uow.commit()

    async def _start_chain(
        self, uow: UnitOfWork, user_id: uuid.UUID, family_id: uuid.UUID
    ) -> Session:
        now = self._clock.now()
        secret = opaque_tokens.new_refresh_token()
        await uow.refresh_tokens.add(
            RefreshToken(
                user_id, family_id, opaque_tokens.digest(secret), now, now + self._refresh_ttl
            )
        )
        access = self._codec.issue(user_id, family_id, now)
        return Session(access_token=access, refresh_token=secret, user_id=user_id)

    async def _decoy(self) -> str:
        if self._decoy_hash is None:
            self._decoy_hash = await self._hasher.hash(opaque_tokens.new_api_token())
        return self._decoy_hash

    async def _record(self, event: AuditEvent) -> None:
        async with self._uow() as uow:
            await uow.audit.record(event)
            await uow.commit()

"""Sign-in, refresh-token rotation with reuse detection, and sign-out."""

from __future__ import annotations

import uuid
from datetime import timedelta

from domain.audit.model import AuditEvent
from domain.auth import opaque_tokens
from domain.auth.commands import SignIn
from domain.auth.model import RefreshToken, Session, TokenFamily
from domain.auth.throttle import SignInThrottle
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, InvalidCredentials, InvalidToken
from domain.ports import AccessTokenCodec, PasswordHasher, UnitOfWork, UnitOfWorkFactory
from domain.users.model import User
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
        if not self._throttle.begin_attempt(username, client, self._clock.now()):
            minutes = int(self._throttle.retry_after.total_seconds() // 60)
            raise DomainError(
                f"Too many failed sign-ins; try again in up to {minutes} minutes.",
                code=ErrorCode.RATE_LIMITED,
            )
        user = await self._verified_user(username, command.password)
        if user is None:
            await self._record(
                AuditEvent("auth.sign_in_failed", self._clock.now(), detail={"username": username})
            )
            raise InvalidCredentials("Username or password is incorrect.")
        self._throttle.succeeded(username, client)
        async with self._uow() as uow:
            family = TokenFamily(user.id, self._clock.now())
            await uow.refresh_tokens.add_family(family)
            session = await self._start_chain(uow, user.id, family.id)
            await uow.audit.record(self._user_event("auth.signed_in", family))
            await uow.commit()
        return session

    async def prepare(self) -> None:
        """Compute the decoy hash now, so the first unknown username costs no extra time."""
        await self._decoy()

    async def _verified_user(self, username: str, password: str) -> User | None:
        async with self._uow(read_only=True) as uow:
            user = await uow.users.get_by_username(username)
        # Verify against a decoy when the user is unknown so that timing reveals nothing.
        stored_hash = user.password_hash if user else await self._decoy()
        matches = await self._hasher.verify(stored_hash, password[: MAX_PASSWORD_LENGTH + 1])
        return user if user is not None and matches and user.is_active else None

    async def refresh(self, refresh_token: str) -> Session:
        """Rotate: the presented token is spent and a new one of the same family is issued.

        A token presented after it was spent has leaked (or raced): its whole family is revoked.
        """
        now = self._clock.now()
        async with self._uow() as uow:
            stored = await uow.refresh_tokens.get_by_hash(opaque_tokens.digest(refresh_token))
            if stored is None or now >= stored.expires_at:
                raise InvalidToken(INVALID_REFRESH_TOKEN)
            # The family lock serializes rotations and revocations of one session.
            family = await uow.refresh_tokens.lock_family(stored.family_id)
            if family is None or not family.is_active:
                raise InvalidToken(INVALID_REFRESH_TOKEN)
            if not await uow.refresh_tokens.spend(stored.id, now):
                await uow.refresh_tokens.revoke_family(family.id, now)
                await uow.audit.record(self._user_event("auth.refresh_token_reused", family))
                await uow.commit()
                raise InvalidToken(INVALID_REFRESH_TOKEN)
            user = await uow.users.get(stored.user_id)
            if user is None or not user.is_active:
                raise InvalidToken(INVALID_REFRESH_TOKEN)
            session = await self._start_chain(uow, user.id, family.id)
            await uow.commit()
        return session

    async def sign_out(self, refresh_token: str) -> None:
        """End the session the token belongs to; its access tokens stop working too."""
        async with self._uow() as uow:
            stored = await uow.refresh_tokens.get_by_hash(opaque_tokens.digest(refresh_token))
            await self._end(uow, stored.family_id if stored else None)

    async def end_session(self, session_id: uuid.UUID) -> None:
        """End a session named by one of its access tokens (a browser holds no refresh token)."""
        async with self._uow() as uow:
            await self._end(uow, session_id)

    async def _end(self, uow: UnitOfWork, family_id: uuid.UUID | None) -> None:
        family = await uow.refresh_tokens.lock_family(family_id) if family_id else None
        if family is None or not family.is_active:
            raise InvalidToken(INVALID_REFRESH_TOKEN)
        await uow.refresh_tokens.revoke_family(family.id, self._clock.now())
        await uow.audit.record(self._user_event("auth.signed_out", family))
        await uow.commit()

    def _user_event(self, action: str, family: TokenFamily) -> AuditEvent:
        user = str(family.user_id)
        return AuditEvent(action, self._clock.now(), family.user_id, "User", user)

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

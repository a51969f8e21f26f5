"""Sign-in, refresh-token rotation with reuse detection, and sign-out."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from domain.audit.model import AuditEvent
from domain.auth import opaque_tokens
from domain.auth.browser_binding import BrowserBinding
from domain.auth.commands import SignIn
from domain.auth.model import RefreshToken, Session, TokenFamily
from domain.auth.throttle import SignInThrottle
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, InvalidCredentials, InvalidToken
from domain.ports import AccessTokenCodec, PasswordHasher, UnitOfWork, UnitOfWorkFactory
from domain.users.model import User
from domain.users.validation import MAX_PASSWORD_LENGTH, normalize_username

INVALID_REFRESH_TOKEN = "The refresh token is invalid, expired or already used; sign in again."
# A spent token presented again this soon, before its successor was used, is a response the
# client lost (a reload mid-refresh, a dropped connection), not a theft: it gets a new successor.
REUSE_GRACE = timedelta(seconds=30)


class SessionService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        codec: AccessTokenCodec,
        clock: Clock,
        refresh_token_ttl: timedelta,
        throttle: SignInThrottle,
        binding: BrowserBinding,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._codec = codec
        self._clock = clock
        self._refresh_ttl = refresh_token_ttl
        self._decoy_hash: str | None = None
        self._throttle = throttle
        self._binding = binding

    async def sign_in(
        self, command: SignIn, client: str | None = None, *, browser: bool = False
    ) -> Session:
        """Check a password; `client` identifies the caller (an address) for throttling.

        A `browser` session's refresh token is refreshed only with the session's binding proof.
        """
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
            session = await self._start_chain(uow, user.id, family.id, browser=browser)
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

    async def refresh(self, refresh_token: str, *, binding: str | None = None) -> Session:
        """Rotate: the presented token is spent and a new one of the same family is issued.

        A browser session's token needs its `binding` proof, and other tokens must come without
        one: a cookie that leaked to another page refreshes nothing. A token presented after it
        was spent has leaked (or raced): its whole family is revoked, unless the successor is
        still unused and the token was spent moments ago (a lost response: see REUSE_GRACE).
        """
        now = self._clock.now()
        browser = opaque_tokens.is_browser_refresh_token(refresh_token)
        async with self._uow() as uow:
            stored = await uow.refresh_tokens.get_by_hash(opaque_tokens.digest(refresh_token))
            if stored is None or now >= stored.expires_at:
                raise InvalidToken(INVALID_REFRESH_TOKEN)
            if browser != (binding is not None) or (
                browser and not self._binding.verify(stored.family_id, binding)
            ):
                raise InvalidToken(INVALID_REFRESH_TOKEN)  # the wrong channel: nothing spent
            # The family lock serializes rotations and revocations of one session.
            family = await uow.refresh_tokens.lock_family(stored.family_id)
            if family is None or not family.is_active:
                raise InvalidToken(INVALID_REFRESH_TOKEN)
            spent = await uow.refresh_tokens.spend(stored.id, now)
            if not spent and not await self._replaced_lost_successor(uow, stored, now):
                family.revoke(now)
                await uow.refresh_tokens.revoke_family(family)
                await uow.audit.record(self._user_event("auth.refresh_token_reused", family))
                await uow.commit()
                raise InvalidToken(INVALID_REFRESH_TOKEN)
            user = await uow.users.get(stored.user_id)
            if user is None or not user.is_active:
                raise InvalidToken(INVALID_REFRESH_TOKEN)
            session = await self._start_chain(uow, user.id, family.id, browser=browser, now=now)
            await uow.commit()
        return session

    async def _replaced_lost_successor(
        self, uow: UnitOfWork, stored: RefreshToken, now: datetime
    ) -> bool:
        """Within the grace period, spend the unused successor so that a new one replaces it."""
        if stored.used_at is None or now - stored.used_at > REUSE_GRACE:
            return False
        successor = await uow.refresh_tokens.unused_in_family(stored.family_id)
        # Its successor is the token issued in the very rotation that spent it.
        if successor is None or successor.created_at != stored.used_at:
            return False
        return await uow.refresh_tokens.spend(successor.id, now)

    async def sign_out(self, refresh_token: str) -> None:
        """End the session the token belongs to; its access tokens stop working too.

        A browser session's cookie is no credential here: it signs out with its access token.
        """
        if opaque_tokens.is_browser_refresh_token(refresh_token):
            raise InvalidToken(INVALID_REFRESH_TOKEN)
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
        family.revoke(self._clock.now())
        await uow.refresh_tokens.revoke_family(family)
        await uow.audit.record(self._user_event("auth.signed_out", family))
        await uow.commit()

    def _user_event(self, action: str, family: TokenFamily) -> AuditEvent:
        user = str(family.user_id)
        return AuditEvent(action, self._clock.now(), family.user_id, "User", user)

    async def _start_chain(
        self,
        uow: UnitOfWork,
        user_id: uuid.UUID,
        family_id: uuid.UUID,
        *,
        browser: bool,
        now: datetime | None = None,
    ) -> Session:
        now = now or self._clock.now()
        secret = opaque_tokens.new_refresh_token(browser=browser)
        await uow.refresh_tokens.add(
            RefreshToken(
                user_id, family_id, opaque_tokens.digest(secret), now, now + self._refresh_ttl
            )
        )
        access = self._codec.issue(user_id, family_id, now)
        binding = self._binding.proof_for(family_id) if browser else None
        return Session(access, secret, user_id, session_id=family_id, binding=binding)

    async def _decoy(self) -> str:
        if self._decoy_hash is None:
            self._decoy_hash = await self._hasher.hash(opaque_tokens.new_api_token())
        return self._decoy_hash

    async def _record(self, event: AuditEvent) -> None:
        async with self._uow() as uow:
            await uow.audit.record(event)
            await uow.commit()

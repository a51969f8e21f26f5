"""Personal API tokens: shown once at creation, stored as digests, revocable."""

from __future__ import annotations

import uuid

from domain.audit.model import AuditEvent
from domain.auth import opaque_tokens
from domain.auth.commands import CreateApiToken, RevokeApiToken
from domain.auth.model import ApiToken
from domain.clock import Clock
from domain.errors import DomainError, NotFound
from domain.ports import UnitOfWorkFactory
from domain.users.model import User

MAX_NAME_LENGTH = 100


class ApiTokenService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def create(self, actor: User, command: CreateApiToken) -> tuple[str, ApiToken]:
        """Return the secret (never stored, never shown again) and the token's record."""
        name = command.name.strip()
        now = self._clock.now()
        if not name or len(name) > MAX_NAME_LENGTH:
            raise DomainError(f"Name must be 1-{MAX_NAME_LENGTH} characters.", field=("name",))
        if command.expires_at is not None and command.expires_at.tzinfo is None:
            raise DomainError("expiresAt must include a time zone.", field=("expires_at",))
        if command.expires_at is not None and command.expires_at <= now:
            raise DomainError("expiresAt must be in the future.", field=("expires_at",))
        secret = opaque_tokens.new_api_token()
        token = ApiToken(actor.id, name, opaque_tokens.digest(secret), now, command.expires_at)
        async with self._uow() as uow:
            await uow.api_tokens.add(token)
            await uow.audit.record(
                AuditEvent(
                    "api_token.created", now, actor.id, "ApiToken", str(token.id), {"name": name}
                )
            )
            await uow.commit()
        return secret, token

    async def revoke(self, actor: User, command: RevokeApiToken) -> ApiToken:
        now = self._clock.now()
        async with self._uow() as uow:
            token = await uow.api_tokens.get(command.token_id)
            # Report a stranger's token as missing: its existence is none of the actor's business.
            if token is None or (token.user_id != actor.id and not actor.is_admin):
                raise NotFound("No API token with this id.", field=("id",))
            if token.revoked_at is None:
                token.revoke(now)
                await uow.api_tokens.save(token)
                await uow.audit.record(
                    AuditEvent("api_token.revoked", now, actor.id, "ApiToken", str(token.id))
                )
                await uow.commit()
        return token

    async def list_for(self, actor: User) -> list[ApiToken]:
        async with self._uow(read_only=True) as uow:
            return await uow.api_tokens.list_for_user(actor.id)

    async def get(self, actor: User, token_id: uuid.UUID) -> ApiToken | None:
        async with self._uow(read_only=True) as uow:
            token = await uow.api_tokens.get(token_id)
        if token is None or (token.user_id != actor.id and not actor.is_admin):
            return None
        return token

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.model import ApiToken, RefreshToken, TokenFamily
from domain.pending_events import PendingEvents
from infra.db.row_count import rows_matched
from infra.db.rows import ApiTokenRow, RefreshTokenRow, TokenFamilyRow


class SqlAlchemyRefreshTokenRepository:
    def __init__(self, session: AsyncSession, events: PendingEvents | None = None) -> None:
        self._session = session
        self._events = events or PendingEvents()

    async def add_family(self, family: TokenFamily) -> None:
        self._session.add(TokenFamilyRow.from_domain(family))
        await self._session.flush()
        self._events.collect(family)

    async def lock_family(self, family_id: uuid.UUID) -> TokenFamily | None:
        # FOR UPDATE on PostgreSQL; SQLite ignores it and serializes writers anyway.
        query = select(TokenFamilyRow).where(TokenFamilyRow.id == family_id).with_for_update()
        row = await self._session.scalar(query)
        return row.to_domain() if row else None

    async def revoke_family(self, family: TokenFamily) -> None:
        assert family.revoked_at is not None, "revoke the family before storing it"
        await self._revoke(TokenFamilyRow.id == family.id, family.revoked_at)
        self._events.collect(family)

    async def revoke_all_for_user(self, user_id: uuid.UUID, at: datetime) -> None:
        await self._revoke(TokenFamilyRow.user_id == user_id, at)

    async def _revoke(self, condition: ColumnElement[bool], at: datetime) -> None:
        await self._session.execute(
            update(TokenFamilyRow)
            .where(condition, TokenFamilyRow.revoked_at.is_(None))
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )

    async def is_family_active(self, family_id: uuid.UUID) -> bool:
        query = select(TokenFamilyRow.id).where(
            TokenFamilyRow.id == family_id, TokenFamilyRow.revoked_at.is_(None)
        )
        return await self._session.scalar(query) is not None

    async def add(self, token: RefreshToken) -> None:
        self._session.add(RefreshTokenRow.from_domain(token))
        await self._session.flush()

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        query = select(RefreshTokenRow).where(RefreshTokenRow.token_hash == token_hash)
        row = await self._session.scalar(query)
        return row.to_domain() if row else None

    async def spend(self, token_id: uuid.UUID, at: datetime) -> bool:
        # A conditional update, so that of two concurrent refreshes only one wins.
        result = await self._session.execute(
            update(RefreshTokenRow)
            .where(RefreshTokenRow.id == token_id, RefreshTokenRow.used_at.is_(None))
            .values(used_at=at)
            .execution_options(synchronize_session=False)
        )
        return rows_matched(result) == 1

    async def unused_in_family(self, family_id: uuid.UUID) -> RefreshToken | None:
        query = (
            select(RefreshTokenRow)
            .where(RefreshTokenRow.family_id == family_id, RefreshTokenRow.used_at.is_(None))
            .order_by(RefreshTokenRow.created_at.desc())
            .limit(1)
        )
        row = await self._session.scalar(query)
        return row.to_domain() if row else None


class SqlAlchemyApiTokenRepository:
    def __init__(self, session: AsyncSession, events: PendingEvents | None = None) -> None:
        self._session = session
        self._events = events or PendingEvents()

    async def add(self, token: ApiToken) -> None:
        self._session.add(ApiTokenRow.from_domain(token))
        await self._session.flush()
        self._events.collect(token)

    async def save(self, token: ApiToken) -> None:
        await self._session.merge(ApiTokenRow.from_domain(token))
        await self._session.flush()
        self._events.collect(token)

    async def get(self, token_id: uuid.UUID) -> ApiToken | None:
        row = await self._session.get(ApiTokenRow, token_id)
        return row.to_domain() if row else None

    async def get_by_hash(self, token_hash: str) -> ApiToken | None:
        row = await self._session.scalar(
            select(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash)
        )
        return row.to_domain() if row else None

    async def touch(self, token_id: uuid.UUID, at: datetime, not_since: datetime) -> None:
        stale = or_(ApiTokenRow.last_used_at.is_(None), ApiTokenRow.last_used_at < not_since)
        await self._session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == token_id, stale)
            .values(last_used_at=at)
            .execution_options(synchronize_session=False)
        )

    async def list_for_user(self, user_id: uuid.UUID) -> list[ApiToken]:
        query = (
            select(ApiTokenRow)
            .where(ApiTokenRow.user_id == user_id)
            .order_by(ApiTokenRow.created_at, ApiTokenRow.id)
        )
        return [row.to_domain() for row in await self._session.scalars(query)]

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.model import ApiToken, RefreshToken
from infra.db.rows import ApiTokenRow, RefreshTokenRow


class SqlAlchemyRefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, token: RefreshToken) -> None:
        self._session.add(RefreshTokenRow.from_domain(token))
        await self._session.flush()

    async def spend(self, token_id: uuid.UUID, at: datetime) -> bool:
        # A conditional update, so that of two concurrent refreshes only one wins.
        result = await self._session.execute(
            update(RefreshTokenRow)
            .where(
                RefreshTokenRow.id == token_id,
                RefreshTokenRow.used_at.is_(None),
                RefreshTokenRow.revoked_at.is_(None),
            )
            .values(used_at=at)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        query = select(RefreshTokenRow).where(RefreshTokenRow.token_hash == token_hash)
        row = await self._session.scalar(query)
        return row.to_domain() if row else None

    async def revoke_family(self, family_id: uuid.UUID, at: datetime) -> None:
        await self._session.execute(
            update(RefreshTokenRow)
            .where(RefreshTokenRow.family_id == family_id, RefreshTokenRow.revoked_at.is_(None))
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )

    async def is_family_active(self, family_id: uuid.UUID) -> bool:
        query = (
            select(RefreshTokenRow.id)
            .where(RefreshTokenRow.family_id == family_id, RefreshTokenRow.revoked_at.is_(None))
            .limit(1)
        )
        return await self._session.scalar(query) is not None

    async def revoke_all_for_user(self, user_id: uuid.UUID, at: datetime) -> None:
        await self._session.execute(
            update(RefreshTokenRow)
            .where(RefreshTokenRow.user_id == user_id, RefreshTokenRow.revoked_at.is_(None))
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )


class SqlAlchemyApiTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, token: ApiToken) -> None:
        self._session.add(ApiTokenRow.from_domain(token))
        await self._session.flush()

    async def save(self, token: ApiToken) -> None:
        await self._session.merge(ApiTokenRow.from_domain(token))
        await self._session.flush()

    async def get(self, token_id: uuid.UUID) -> ApiToken | None:
        row = await self._session.get(ApiTokenRow, token_id)
        return row.to_domain() if row else None

    async def get_by_hash(self, token_hash: str) -> ApiToken | None:
        row = await self._session.scalar(
            select(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash)
        )
        return row.to_domain() if row else None

    async def list_for_user(self, user_id: uuid.UUID) -> list[ApiToken]:
        query = (
            select(ApiTokenRow)
            .where(ApiTokenRow.user_id == user_id)
            .order_by(ApiTokenRow.created_at, ApiTokenRow.id)
        )
        return [row.to_domain() for row in await self._session.scalars(query)]

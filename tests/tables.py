"""Every test starts from empty tables."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.db.rows import Base


async def empty_tables(engine: AsyncEngine) -> None:
    # Children first, for the foreign keys.
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(delete(table))

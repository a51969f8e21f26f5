from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.builds.model import ACTIVE, Build, BuildStatus, LogLine
from domain.paging import Page
from domain.pending_events import PendingEvents
from domain.ports import BuildFilter
from infra.db.row_count import rows_matched
from infra.db.rows import BuildLogLineRow, BuildRow

ACTIVE_VALUES = [status.value for status in ACTIVE]


class SqlAlchemyBuildRepository:
    def __init__(self, session: AsyncSession, events: PendingEvents | None = None) -> None:
        self._session = session
        self._events = events or PendingEvents()

    async def add(self, build: Build) -> None:
        self._session.add(BuildRow.from_domain(build))
        await self._session.flush()
        self._events.collect(build)

    async def save(self, build: Build) -> None:
        row = await self._session.get(BuildRow, build.id)
        if row is None:
            raise LookupError(f"build {build.id} is not stored")
        row.update_from(build)
        await self._session.flush()
        self._events.collect(build)

    async def get(self, build_id: uuid.UUID) -> Build | None:
        row = await self._session.get(BuildRow, build_id, populate_existing=True)
        return row.to_domain() if row else None

    async def lock(self, build_id: uuid.UUID) -> Build | None:
        query = select(BuildRow).where(BuildRow.id == build_id).with_for_update()
        row = await self._session.scalar(query.execution_options(populate_existing=True))
        return row.to_domain() if row else None

    async def request_cancel(self, build: Build) -> None:
        await self._session.execute(
            update(BuildRow)
            .where(BuildRow.id == build.id)
            .values(cancel_requested_at=build.cancel_requested_at)
        )
        self._events.collect(build)

    async def get_many(self, build_ids: list[uuid.UUID]) -> list[Build]:
        if not build_ids:
            return []
        rows = await self._session.scalars(select(BuildRow).where(BuildRow.id.in_(build_ids)))
        return [row.to_domain() for row in rows]

    async def get_by_idempotency_key(self, tool_id: uuid.UUID, key: str) -> Build | None:
        query = select(BuildRow).where(BuildRow.tool_id == tool_id, BuildRow.idempotency_key == key)
        row = await self._session.scalar(query)
        return row.to_domain() if row else None

    async def next_number(self, tool_id: uuid.UUID) -> int:
        query = select(func.max(BuildRow.number)).where(BuildRow.tool_id == tool_id)
        return int(await self._session.scalar(query) or 0) + 1

    async def active_for_tool(self, tool_id: uuid.UUID) -> list[Build]:
        query = select(BuildRow).where(
            BuildRow.tool_id == tool_id, BuildRow.status.in_(ACTIVE_VALUES)
        )
        return [row.to_domain() for row in await self._session.scalars(query)]

    async def latest_for_tools(self, tool_ids: list[uuid.UUID]) -> list[Build]:
        if not tool_ids:
            return []
        newest = (
            select(BuildRow.tool_id, func.max(BuildRow.number).label("number"))
            .where(BuildRow.tool_id.in_(tool_ids))
            .group_by(BuildRow.tool_id)
            .subquery()
        )
        query = select(BuildRow).join(
            newest, and_(BuildRow.tool_id == newest.c.tool_id, BuildRow.number == newest.c.number)
        )
        return [row.to_domain() for row in await self._session.scalars(query)]

    async def page(self, page: Page, filter: BuildFilter) -> list[Build]:
        newest_first = (BuildRow.queued_at.desc(), BuildRow.id.desc())
        query = select(BuildRow).order_by(*newest_first).limit(page.limit)
        if page.after is not None:
            query = query.where(tuple_(BuildRow.queued_at, BuildRow.id) < tuple_(*page.after))
        if filter.status is not None:
            query = query.where(BuildRow.status == filter.status.value)
        if filter.tool_id is not None:
            query = query.where(BuildRow.tool_id == filter.tool_id)
        return [row.to_domain() for row in await self._session.scalars(query)]

    async def claim_next(self, owner: str, now: datetime, lease_until: datetime) -> Build | None:
        candidate = await self._session.scalar(
            select(BuildRow.id)
            .where(
                BuildRow.status == BuildStatus.QUEUED.value,
                or_(BuildRow.lease_owner.is_(None), BuildRow.lease_expires_at < now),
            )
            .order_by(BuildRow.queued_at, BuildRow.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if candidate is None:
            return None
        # Conditional update: on SQLite (no row locks) a racing worker's claim simply wins.
        claimed = await self._session.execute(
            update(BuildRow)
            .where(
                BuildRow.id == candidate,
                BuildRow.status == BuildStatus.QUEUED.value,
                or_(BuildRow.lease_owner.is_(None), BuildRow.lease_expires_at < now),
            )
            .values(lease_owner=owner, lease_expires_at=lease_until)
        )
        if rows_matched(claimed) != 1:
            return None
        return await self.get(candidate)

    async def release_claim(self, build_id: uuid.UUID, owner: str) -> None:
        await self._session.execute(
            update(BuildRow)
            .where(BuildRow.id == build_id, BuildRow.lease_owner == owner)
            .values(lease_owner=None, lease_expires_at=None)
        )

    async def renew_lease(self, build_id: uuid.UUID, owner: str, lease_until: datetime) -> bool:
        renewed = await self._session.execute(
            update(BuildRow)
            .where(BuildRow.id == build_id, BuildRow.lease_owner == owner)
            .values(lease_expires_at=lease_until)
        )
        return rows_matched(renewed) == 1

    async def record_log_progress(
        self, build_id: uuid.UUID, line_count: int, log_bytes: int
    ) -> None:
        await self._session.execute(
            update(BuildRow)
            .where(BuildRow.id == build_id)
            .values(log_line_count=line_count, log_bytes=log_bytes)
        )

    async def expired_leases(self, now: datetime) -> list[Build]:
        query = select(BuildRow).where(
            BuildRow.status.in_(ACTIVE_VALUES),
            BuildRow.status != BuildStatus.QUEUED.value,
            BuildRow.lease_expires_at < now,
        )
        return [row.to_domain() for row in await self._session.scalars(query)]


class SqlAlchemyBuildLogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def append(self, build_id: uuid.UUID, lines: list[LogLine]) -> None:
        self._session.add_all(
            BuildLogLineRow(
                build_id=build_id,
                seq=line.seq,
                stream=line.stream.value,
                timestamp=line.timestamp,
                text=line.text,
            )
            for line in lines
        )
        await self._session.flush()

    async def read(self, build_id: uuid.UUID, after: int, limit: int) -> list[LogLine]:
        query = (
            select(BuildLogLineRow)
            .where(BuildLogLineRow.build_id == build_id, BuildLogLineRow.seq > after)
            .order_by(BuildLogLineRow.seq)
            .limit(limit)
        )
        return [row.to_domain() for row in await self._session.scalars(query)]

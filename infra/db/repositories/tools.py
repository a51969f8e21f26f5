from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import delete, func, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError, ErrorCode, ValidationFailed
from domain.paging import Page
from domain.pending_events import PendingEvents
from domain.ports import ToolFilter
from domain.tools.custom_domains import domains_taken
from domain.tools.host_ports import HostPortTaken
from domain.tools.model import Tool
from domain.tools.secrets import ToolSecret
from domain.tools.status import DesiredState
from infra.db.rows import ToolDomainRow, ToolRow, ToolSecretRow


class SqlAlchemyToolRepository:
    def __init__(self, session: AsyncSession, events: PendingEvents | None = None) -> None:
        self._session = session
        self._events = events or PendingEvents()

    async def add(self, tool: Tool) -> None:
        self._session.add(ToolRow.from_domain(tool))
        try:
            await self._session.flush()
        except IntegrityError as error:
            raise duplicate_tool(error) from None
        self._events.collect(tool)

    async def save(self, tool: Tool) -> None:
        row = await self._session.get(ToolRow, tool.id)
        if row is None:
            raise LookupError(f"tool {tool.id} is not stored")
        row.update_from(tool)
        try:
            await self._session.flush()
        except IntegrityError as error:
            # A switch moving onto a port just taken, or a domain another tool took.
            raise duplicate_tool(error) from None
        self._events.collect(tool)

    async def delete(self, tool: Tool) -> None:
        await self._session.execute(delete(ToolRow).where(ToolRow.id == tool.id))
        self._events.collect(tool)

    async def get(self, tool_id: uuid.UUID) -> Tool | None:
        row = await self._session.get(ToolRow, tool_id, populate_existing=True)
        return row.to_domain() if row else None

    async def lock(self, tool_id: uuid.UUID) -> Tool | None:
        query = select(ToolRow).where(ToolRow.id == tool_id).with_for_update()
        row = await self._session.scalar(query.execution_options(populate_existing=True))
        return row.to_domain() if row else None

    async def get_by_name(self, name: str) -> Tool | None:
        row = await self._session.scalar(select(ToolRow).where(ToolRow.name == name))
        return row.to_domain() if row else None

    async def get_many(self, tool_ids: list[uuid.UUID]) -> list[Tool]:
        if not tool_ids:
            return []
        rows = await self._session.scalars(select(ToolRow).where(ToolRow.id.in_(tool_ids)))
        return [row.to_domain() for row in rows]

    async def page(self, page: Page, filter: ToolFilter) -> list[Tool]:
        query = select(ToolRow).order_by(ToolRow.created_at, ToolRow.id).limit(page.limit)
        if page.after is not None:
            query = query.where(tuple_(ToolRow.created_at, ToolRow.id) > tuple_(*page.after))
        if filter.status is not None:
            query = query.where(ToolRow.status == filter.status.value)
        if filter.category is not None:
            query = query.where(ToolRow.category == filter.category)
        if filter.search:
            pattern = f"%{escape_like(filter.search.lower())}%"
            query = query.where(
                or_(
                    func.lower(ToolRow.name).like(pattern, escape="\\"),
                    func.lower(ToolRow.description).like(pattern, escape="\\"),
                )
            )
        return [row.to_domain() for row in await self._session.scalars(query)]

    async def used_host_ports(self) -> set[int]:
        ports = await self._session.scalars(
            select(ToolRow.host_port).where(ToolRow.host_port.is_not(None))
        )
        return {port for port in ports if port is not None}

    async def stopped(self) -> list[Tool]:
        query = select(ToolRow).where(
            ToolRow.desired_state == DesiredState.STOPPED.value,
            ToolRow.current_build_id.is_not(None),
        )
        return [row.to_domain() for row in await self._session.scalars(query)]

    async def running(self) -> list[Tool]:
        query = select(ToolRow).where(
            ToolRow.desired_state == DesiredState.RUNNING.value,
            ToolRow.current_build_id.is_not(None),
        )
        return [row.to_domain() for row in await self._session.scalars(query)]

    async def all(self) -> list[Tool]:
        query = select(ToolRow).order_by(ToolRow.name)
        return [row.to_domain() for row in await self._session.scalars(query)]

    async def domain_owners(self, domains: Collection[str]) -> dict[str, uuid.UUID]:
        if not domains:
            return {}
        query = select(ToolDomainRow).where(ToolDomainRow.domain.in_(list(domains)))
        return {row.domain: row.tool_id for row in await self._session.scalars(query)}


class SqlAlchemyToolSecretRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put(self, secret: ToolSecret) -> None:
        row = await self._session.get(ToolSecretRow, (secret.tool_id, secret.name))
        if row is None:
            row = ToolSecretRow(tool_id=secret.tool_id, name=secret.name)
            self._session.add(row)
        row.ciphertext = secret.ciphertext
        row.updated_at = secret.updated_at
        await self._session.flush()

    async def delete(self, tool_id: uuid.UUID, name: str) -> bool:
        row = await self._session.get(ToolSecretRow, (tool_id, name))
        if row is None:
            return False
        await self._session.delete(row)
        await self._session.flush()
        return True

    async def for_tool(self, tool_id: uuid.UUID) -> list[ToolSecret]:
        query = (
            select(ToolSecretRow)
            .where(ToolSecretRow.tool_id == tool_id)
            .order_by(ToolSecretRow.name)
        )
        return [row.to_domain() for row in await self._session.scalars(query)]


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def duplicate_tool(error: IntegrityError) -> DomainError:
    detail = str(error.orig).lower()
    if "host_port" in detail:
        return HostPortTaken("The allocated host port was taken; retry.")
    if "tool_domains" in detail:
        return ValidationFailed([domains_taken()])
    return ValidationFailed(
        [DomainError("A tool with this name exists.", code=ErrorCode.NAME_TAKEN, field=("name",))]
    )

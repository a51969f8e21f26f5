"""Reading tools, their secrets' names and their health history (any signed-in user)."""

from __future__ import annotations

import uuid

from domain.paging import Page, PageKey
from domain.ports import ToolFilter, UnitOfWorkFactory
from domain.ports.transactions import read
from domain.tools.health import HealthCheck
from domain.tools.model import Tool
from domain.tools.secrets import REPO_URL_SECRET


class ToolCatalog:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def get(self, tool_id: uuid.UUID) -> Tool | None:
        return await read(self._uow, lambda uow: uow.tools.get(tool_id))

    async def get_by_name(self, name: str) -> Tool | None:
        return await read(self._uow, lambda uow: uow.tools.get_by_name(name))

    async def tools_by_ids(self, tool_ids: list[uuid.UUID]) -> list[Tool]:
        return await read(self._uow, lambda uow: uow.tools.get_many(tool_ids))

    async def page(self, page: Page, filter: ToolFilter) -> list[Tool]:
        """Oldest first; one extra row tells the caller whether another page exists."""
        return await read(self._uow, lambda uow: uow.tools.page(page.and_one_more(), filter))

    async def every_tool(self, page_size: int = 200) -> list[Tool]:
        """All tools, read page by page (a hub holds tens or hundreds of them)."""
        tools: list[Tool] = []
        after: PageKey | None = None
        while True:
            async with self._uow(read_only=True) as uow:
                page = await uow.tools.page(Page(page_size, after), ToolFilter())
            tools.extend(page)
            if len(page) < page_size:
                return tools
            after = (page[-1].created_at, page[-1].id)

    async def secret_names(self, tool_id: uuid.UUID) -> list[str]:
        async with self._uow(read_only=True) as uow:
            secrets = await uow.tool_secrets.for_tool(tool_id)
        return [secret.name for secret in secrets if secret.name != REPO_URL_SECRET]

    async def health_checks(self, tool_id: uuid.UUID, last: int) -> list[HealthCheck]:
        return await read(self._uow, lambda uow: uow.health_checks.latest(tool_id, last))

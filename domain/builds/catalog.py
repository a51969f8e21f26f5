"""Reading builds and their stored logs (any signed-in user)."""

from __future__ import annotations

import uuid

from domain.builds.model import Build, LogLine
from domain.paging import Page
from domain.ports import BuildFilter, UnitOfWorkFactory
from domain.ports.transactions import read

MAX_LOG_PAGE = 1000


class BuildCatalog:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def get(self, build_id: uuid.UUID) -> Build | None:
        return await read(self._uow, lambda uow: uow.builds.get(build_id))

    async def builds_by_ids(self, build_ids: list[uuid.UUID]) -> list[Build]:
        return await read(self._uow, lambda uow: uow.builds.get_many(build_ids))

    async def latest_for_tools(self, tool_ids: list[uuid.UUID]) -> list[Build]:
        return await read(self._uow, lambda uow: uow.builds.latest_for_tools(tool_ids))

    async def page(self, page: Page, filter: BuildFilter) -> list[Build]:
        """Newest first; one extra row tells the caller whether another page exists."""
        return await read(self._uow, lambda uow: uow.builds.page(page.and_one_more(), filter))

    async def log_lines(self, build_id: uuid.UUID, after: int, limit: int) -> list[LogLine]:
        return await read(
            self._uow,
            lambda uow: uow.build_logs.read(build_id, max(after, 0), min(limit, MAX_LOG_PAGE)),
        )

    async def log_since(
        self, build_id: uuid.UUID, after: int, limit: int
    ) -> tuple[Build | None, list[LogLine]]:
        """The build, then its lines after `after`, read in that order in one transaction.

        A finished build's final status is committed only after its last line, so when the
        build read here is finished, the lines read next are all there are.
        """
        async with self._uow(read_only=True) as uow:
            build = await uow.builds.get(build_id)
            if build is None:
                return None, []
            lines = await uow.build_logs.read(build_id, max(after, 0), min(limit, MAX_LOG_PAGE))
        return build, lines

"""Per-request DataLoaders, so a page of objects costs a constant number of queries."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from strawberry.dataloader import DataLoader

from domain.builds.model import Build
from domain.services import Services
from domain.tools.model import Tool
from domain.users.model import User

T = TypeVar("T")


def keyed_loader(
    fetch: Callable[[list[uuid.UUID]], Awaitable[Iterable[T]]], key: Callable[[T], uuid.UUID]
) -> DataLoader[uuid.UUID, T | None]:
    async def load(keys: list[uuid.UUID]) -> list[T | None]:
        found = {key(item): item for item in await fetch(keys)}
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(self, services: Services) -> None:
        self.user_by_id: DataLoader[uuid.UUID, User | None] = keyed_loader(
            services.users.users_by_ids, lambda user: user.id
        )
        self.tool_by_id: DataLoader[uuid.UUID, Tool | None] = keyed_loader(
            services.tools.tools_by_ids, lambda tool: tool.id
        )
        self.build_by_id: DataLoader[uuid.UUID, Build | None] = keyed_loader(
            services.builds.builds_by_ids, lambda build: build.id
        )
        self.latest_build_by_tool_id: DataLoader[uuid.UUID, Build | None] = keyed_loader(
            services.builds.latest_for_tools, lambda build: build.tool_id
        )

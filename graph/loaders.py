"""Per-request DataLoaders, so a page of objects costs a constant number of queries."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from domain.users.model import User

if TYPE_CHECKING:
    from infra.bootstrap import Container


class Loaders:
    def __init__(self, container: Container) -> None:
        async def load_users(ids: list[uuid.UUID]) -> list[User | None]:
            found = {user.id: user for user in await container.users.users_by_ids(ids)}
            return [found.get(user_id) for user_id in ids]

        self.user_by_id: DataLoader[uuid.UUID, User | None] = DataLoader(load_fn=load_users)

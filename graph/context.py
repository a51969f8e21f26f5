"""The context: the container and the caller's credentials.

Strawberry builds it once per WebSocket *connection*, so it caches nothing itself: DataLoaders
and the authenticated viewer live in the per-operation state (`graph.operation`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.fastapi import BaseContext

from domain.errors import Unauthenticated
from domain.users.model import User
from graph.loaders import Loaders
from graph.operation import current_operation

if TYPE_CHECKING:
    from infra.bootstrap import Container

BEARER_PREFIX = "bearer "


def bearer_from_header(value: object) -> str | None:
    if not isinstance(value, str) or not value.lower().startswith(BEARER_PREFIX):
        return None
    token = value[len(BEARER_PREFIX) :].strip()
    return token or None


class GraphQLContext(BaseContext):
    def __init__(self, container: Container, bearer: str | None, malformed_auth: bool) -> None:
        super().__init__()
        self.container = container
        self.bearer = bearer
        self.malformed_auth = malformed_auth

    @property
    def loaders(self) -> Loaders:
        return current_operation(self.container).loaders

    @property
    def client_address(self) -> str | None:
        """The caller's address, for throttling (a proxy in front should be trusted explicitly)."""
        client = self.request.client if self.request is not None else None
        return client.host if client is not None else None

    async def viewer(self) -> User | None:
        """The signed-in user, None when anonymous; raises `Unauthenticated` for bad credentials."""
        if self.malformed_auth:
            raise Unauthenticated("The Authorization header must be `Bearer <token>`.")
        if self.bearer is None:
            return None
        state = current_operation(self.container)
        if not state.viewer_known:
            state.viewer = await self.container.authenticator.authenticate(self.bearer)
            state.viewer_known = True
        return state.viewer

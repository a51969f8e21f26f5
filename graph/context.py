"""The per-request context: who is asking, and fresh DataLoaders.

Strawberry builds the context once per WebSocket *connection*, so nothing here may cache
database state beyond one HTTP request: over a socket the viewer is re-checked every time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from strawberry.fastapi import BaseContext

from domain.errors import Unauthenticated
from domain.users.model import User
from graph.loaders import Loaders

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
        self.loaders = Loaders(container)
        self._viewer: User | None = None
        self._viewer_known = False

    @property
    def client_address(self) -> str | None:
        """The caller's address, for throttling (a proxy in front should be trusted explicitly)."""
        client = self.request.client if self.request is not None else None
        return client.host if client is not None else None

    @property
    def is_http(self) -> bool:
        return isinstance(self.request, Request)

    async def viewer(self) -> User | None:
        """The signed-in user, None when anonymous; raises `Unauthenticated` for bad credentials."""
        if self.malformed_auth:
            raise Unauthenticated("The Authorization header must be `Bearer <token>`.")
        if self.bearer is None:
            return None
        if self._viewer_known and self.is_http:
            return self._viewer
        viewer = await self.container.authenticator.authenticate(self.bearer)
        self._viewer, self._viewer_known = viewer, True
        return viewer

    async def require_viewer(self) -> User:
        viewer = await self.viewer()
        if viewer is None:
            raise Unauthenticated("Sign in to do this.")
        return viewer

"""The context: the services and the caller's credentials.

Strawberry builds it once per WebSocket *connection*, so it caches nothing itself: DataLoaders
and the authenticated viewer live in the per-operation state (`graph.operation`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.fastapi import BaseContext

from domain.auth.model import Credential
from domain.auth.opaque_tokens import is_api_token
from domain.errors import Unauthenticated
from domain.users.model import User
from graph.client_address import client_address
from graph.loaders import Loaders
from graph.operation import current_operation

if TYPE_CHECKING:
    from graph.live.connections import LiveConnection, LiveConnections
    from infra.bootstrap import Application

BEARER_PREFIX = "bearer "


def bearer_from_header(value: object) -> str | None:
    if not isinstance(value, str) or not value.lower().startswith(BEARER_PREFIX):
        return None
    token = value[len(BEARER_PREFIX) :].strip()
    return token or None


class GraphQLContext(BaseContext):
    def __init__(
        self,
        application: Application,
        bearer: str | None,
        malformed_auth: bool,
        live: LiveConnections | None = None,
    ) -> None:
        super().__init__()
        self.application = application
        self.services = application.services
        self.bearer = bearer
        self.malformed_auth = malformed_auth
        self.live = live
        # WebSocket only: what the connection authenticated with, and the connection itself.
        self.credential: Credential | None = None
        self.connected_user: User | None = None
        self.live_connection: LiveConnection | None = None

    @property
    def uses_api_token(self) -> bool:
        return self.bearer is not None and is_api_token(self.bearer)

    @property
    def loaders(self) -> Loaders:
        return current_operation(self.services).loaders

    @property
    def client_address(self) -> str | None:
        return client_address(self.request, self.application.settings.trusted_proxy_addresses)

    async def viewer(self) -> User | None:
        """The signed-in user, None when anonymous; raises `Unauthenticated` for bad credentials."""
        if self.malformed_auth:
            raise Unauthenticated("The Authorization header must be `Bearer <token>`.")
        if self.bearer is None:
            return None
        state = current_operation(self.services)
        if not state.viewer_known:
            state.viewer = await self.services.authenticator.authenticate(self.bearer)
            state.viewer_known = True
        return state.viewer

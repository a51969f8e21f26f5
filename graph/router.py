"""The GraphQL endpoint: HTTP POST and WebSocket (`graphql-transport-ws` only) at /graphql."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import strawberry
from fastapi import Request
from starlette.requests import HTTPConnection
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from domain.errors import Unauthenticated
from graph.context import GraphQLContext, bearer_from_header
from graph.live.connections import LiveConnections
from graph.live.handler import LiveConnectionHandler
from infra.settings import Settings


async def context_for(connection: HTTPConnection, live: LiveConnections) -> GraphQLContext:
    application = connection.app.state.application
    if isinstance(connection, Request):
        header = connection.headers.get("authorization")
        bearer = bearer_from_header(header)
        return GraphQLContext(
            application, bearer, malformed_auth=header is not None and bearer is None, live=live
        )
    # WebSocket: credentials arrive later, in `connection_init` (see on_ws_connect).
    return GraphQLContext(application, None, malformed_auth=False, live=live)


class MacheteGraphQLRouter(GraphQLRouter[GraphQLContext, None]):
    graphql_transport_ws_handler_class = LiveConnectionHandler

    def __init__(
        self, *args: Any, live: LiveConnections, send_timeout: timedelta, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.live = live
        self.send_timeout = send_timeout

    async def on_ws_connect(self, context: GraphQLContext) -> UnsetType | dict[str, object] | None:
        """Authenticate from the `connection_init` payload; bad credentials close with 4403."""
        params: Any = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        if header is None:
            if context.live_connection is not None:
                self.live.admit(context.live_connection, None)  # may raise TooManyConnections
            return await super().on_ws_connect(context)
        bearer = bearer_from_header(header)
        if bearer is None:
            raise ConnectionRejectionError()
        try:
            user, credential = await context.services.authenticator.verify(bearer)
        except Unauthenticated:
            raise ConnectionRejectionError() from None
        if context.live_connection is not None:
            self.live.admit(context.live_connection, user.id)  # may raise TooManyConnections
        context.bearer = bearer
        context.credential = credential
        context.connected_user = user
        return await super().on_ws_connect(context)


def graphql_router(
    schema: strawberry.Schema, settings: Settings, live: LiveConnections
) -> MacheteGraphQLRouter:
    async def get_context(connection: HTTPConnection) -> GraphQLContext:
        return await context_for(connection, live)

    return MacheteGraphQLRouter(
        schema,
        live=live,
        send_timeout=timedelta(seconds=settings.ws_send_timeout_seconds),
        path="/graphql",
        graphql_ide=None,  # GraphiQL is served from the local build (graph/web/pages.py)
        allow_queries_via_get=False,
        context_getter=get_context,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        connection_init_wait_timeout=timedelta(seconds=settings.ws_connection_init_timeout_seconds),
        max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
    )

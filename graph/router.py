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

CONNECTION_INIT_TIMEOUT = timedelta(seconds=10)
MAX_OPERATIONS_PER_CONNECTION = 50


async def context_for(connection: HTTPConnection) -> GraphQLContext:
    container = connection.app.state.container
    if isinstance(connection, Request):
        header = connection.headers.get("authorization")
        bearer = bearer_from_header(header)
        return GraphQLContext(
            container, bearer, malformed_auth=header is not None and bearer is None
        )
    # WebSocket: credentials arrive later, in `connection_init` (see on_ws_connect).
    return GraphQLContext(container, None, malformed_auth=False)


class MacheteGraphQLRouter(GraphQLRouter[GraphQLContext, None]):
    async def on_ws_connect(self, context: GraphQLContext) -> UnsetType | dict[str, object] | None:
        """Authenticate from the `connection_init` payload; bad credentials close with 4403."""
        params: Any = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        if header is None:
            return await super().on_ws_connect(context)
        bearer = bearer_from_header(header)
        if bearer is None:
            raise ConnectionRejectionError()
        try:
            await context.container.authenticator.authenticate(bearer)
        except Unauthenticated:
            raise ConnectionRejectionError() from None
        context.bearer = bearer
        return await super().on_ws_connect(context)


def graphql_router(schema: strawberry.Schema, *, graphiql: bool) -> MacheteGraphQLRouter:
    async def get_context(connection: HTTPConnection) -> GraphQLContext:
        return await context_for(connection)

    return MacheteGraphQLRouter(
        schema,
        path="/graphql",
        graphql_ide="graphiql" if graphiql else None,
        allow_queries_via_get=False,
        context_getter=get_context,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        connection_init_wait_timeout=CONNECTION_INIT_TIMEOUT,
        max_subscriptions_per_connection=MAX_OPERATIONS_PER_CONNECTION,
    )

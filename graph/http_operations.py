"""Subscriptions run over the WebSocket only.

Strawberry would also run a subscription sent by POST (for the multipart protocol, which MACHETE
does not offer) and then fail on its stream; refusing it up front gives the client a clear
`400` saying what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from starlette.requests import Request
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType


class SubscriptionsOverWebSocketOnly(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(getattr(context, "request", None), Request):
            allowed = set(self.execution_context.allowed_operations)
            self.execution_context.allowed_operations = allowed - {OperationType.SUBSCRIPTION}
        yield

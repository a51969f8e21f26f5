"""State that lives exactly as long as one GraphQL operation: DataLoaders and the viewer.

Strawberry builds the context once per WebSocket connection, so caches kept on the context
would outlive their data. Each operation runs in its own task, so a ContextVar set when the
operation starts is private to it (and to the tasks its resolvers spawn).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from strawberry.extensions import SchemaExtension

from domain.services import Services
from domain.users.model import User
from graph.loaders import Loaders


@dataclass
class OperationState:
    loaders: Loaders
    viewer: User | None = None
    viewer_known: bool = False


_current: ContextVar[OperationState | None] = ContextVar("machete_operation", default=None)


def current_operation(services: Services) -> OperationState:
    state = _current.get()
    if state is None:
        # Outside an operation (never in a resolver): a throwaway state, cached nowhere.
        return OperationState(Loaders(services))
    return state


def refresh_loaders(services: Services) -> None:
    """Forget what this operation's loaders cached (a subscription, before its next item)."""
    state = _current.get()
    if state is not None:
        state.loaders = Loaders(services)


class PerOperationState(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        services = self.execution_context.context.services
        token = _current.set(OperationState(Loaders(services)))
        try:
            yield
        finally:
            try:
                _current.reset(token)
            except ValueError:
                # Finished in another context than it started in; that context ends with it.
                _current.set(None)

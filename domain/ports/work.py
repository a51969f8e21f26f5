"""Ports to background work: the build workers and fire-and-forget tasks."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Protocol


class BuildSignals(Protocol):
    """How use cases reach the workers after a commit."""

    def build_queued(self) -> None: ...
    def cancel_requested(self, build_id: uuid.UUID) -> None: ...


class BackgroundTasks(Protocol):
    def spawn(self, name: str, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work` outside the request; failures are logged, never raised to the caller."""
        ...

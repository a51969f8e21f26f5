"""What a contract test is given: a unit-of-work factory and what it published."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.events import Event
from domain.ports import UnitOfWorkFactory
from infra.events.in_process import InProcessEventBus


@dataclass(frozen=True)
class Backend:
    uow: UnitOfWorkFactory
    # Every event the committed units of work handed over, in order.
    published: list[Event]


class RecordingEventBus(InProcessEventBus):
    """The in-process bus, keeping a copy of everything published on it."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[Event] = []

    def publish(self, events: Sequence[Event]) -> None:
        self.published.extend(events)
        super().publish(events)

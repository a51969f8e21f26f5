"""Entities note what happened to them; their unit of work publishes it after commit."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.events import Event


@dataclass
class Entity:
    # Not state: what changed since the entity was last stored (never persisted or compared).
    _recorded: list[Event] = field(default_factory=list, init=False, repr=False, compare=False)

    def _record(self, event: Event) -> None:
        self._recorded.append(event)

    def pull_events(self) -> list[Event]:
        """The events recorded since the last pull (the unit of work takes them as it stores)."""
        events, self._recorded = self._recorded, []
        return events

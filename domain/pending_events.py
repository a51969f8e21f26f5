"""Events a unit of work gathers while it stores changes; published only once it commits."""

from __future__ import annotations

from domain.entity import Entity
from domain.events import BuildLogAppended, Event


class PendingEvents:
    def __init__(self) -> None:
        # Insertion-ordered and merged: one wake-up per thing that changed, the newest seq.
        self._events: dict[object, Event] = {}

    def collect(self, entity: Entity) -> None:
        """Take what the entity recorded (a repository calls this as it stores the entity)."""
        for event in entity.pull_events():
            self.add(event)

    def add(self, event: Event) -> None:
        if isinstance(event, BuildLogAppended):
            key: object = ("log", event.build_id)
            known = self._events.get(key)
            if isinstance(known, BuildLogAppended) and known.last_seq >= event.last_seq:
                return
            self._events[key] = event
            return
        self._events.setdefault(event, event)

    def take(self) -> list[Event]:
        events = list(self._events.values())
        self._events.clear()
        return events

    def clear(self) -> None:
        self._events.clear()

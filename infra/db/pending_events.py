"""Events a unit of work gathers while it changes rows; published only once it commits."""

from __future__ import annotations

from domain.events import BuildLogAppended, Event


class PendingEvents:
    def __init__(self) -> None:
        # Insertion-ordered and merged: one wake-up per thing that changed, the newest seq.
        self._events: dict[object, Event] = {}

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

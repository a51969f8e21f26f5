"""Fewer wake-ups with the same meaning, for events that queued up while a send was slow."""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Sequence

from domain.events import BuildLogAppended, Event


def coalesce(events: Sequence[Event]) -> list[Event]:
    """Drop repeats and keep one log event per build, with its highest sequence number.

    Each survivor takes the place of its last occurrence, so no wake-up moves ahead of a
    change committed before it. Subscribers re-read the store on a wake-up, so one announcing
    "lines up to 42" covers every earlier one of that build.
    """
    latest: dict[Hashable, tuple[int, Event]] = {}
    highest_seq: dict[uuid.UUID, int] = {}
    for index, event in enumerate(events):
        key: Hashable = event
        if isinstance(event, BuildLogAppended):
            key = ("log", event.build_id)
            seq = max(event.last_seq, highest_seq.get(event.build_id, event.last_seq))
            highest_seq[event.build_id] = seq
            event = BuildLogAppended(event.build_id, seq)
        latest[key] = (index, event)
    return [event for _, event in sorted(latest.values(), key=lambda entry: entry[0])]

"""Merging events that queued up while a send was slow: fewer wake-ups, none of them lost."""

from __future__ import annotations

import uuid

from domain.events import BuildChanged, BuildLogAppended, Event, FeedResumed, ToolChanged
from infra.events.coalesce import coalesce


def test_distinct_events_stay_as_they_are_in_order() -> None:
    events: list[Event] = [ToolChanged(uuid.uuid4()), BuildChanged(uuid.uuid4()), FeedResumed()]
    assert coalesce(events) == events


def test_a_repeated_event_is_kept_once_in_the_place_of_its_last_occurrence() -> None:
    tool, build = ToolChanged(uuid.uuid4()), BuildChanged(uuid.uuid4())
    assert coalesce([tool, build, tool]) == [build, tool]


def test_log_events_of_one_build_merge_into_one_with_the_highest_sequence_number() -> None:
    build, other = uuid.uuid4(), uuid.uuid4()
    events: list[Event] = [
        BuildLogAppended(build, 10),
        BuildLogAppended(other, 3),
        BuildLogAppended(build, 25),
        BuildChanged(build),
        BuildLogAppended(build, 7),  # a late, stale one still announces 25 lines
    ]
    assert coalesce(events) == [
        BuildLogAppended(other, 3),
        BuildChanged(build),
        BuildLogAppended(build, 25),
    ]

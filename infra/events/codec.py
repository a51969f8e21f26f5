"""Events as NOTIFY payloads: compact JSON of kinds, ids and sequence numbers, nothing else.

A payload looks like `{"v":1,"e":[["L","<build hex>",42],["T","<tool hex>"]]}`. It never holds
log text or secrets: events carry only ids, and this codec writes only the fields it names.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from domain.events import (
    AccountChanged,
    BuildChanged,
    BuildLogAppended,
    BuildQueued,
    Event,
    FeedResumed,
    SessionEnded,
    ToolChanged,
)

VERSION = 1
# PostgreSQL refuses payloads of 8000 bytes or more; keep a margin below it.
MAX_PAYLOAD_BYTES = 7900
_COMPACT: dict[str, Any] = {"separators": (",", ":")}


@dataclass(frozen=True)
class Decoded:
    events: list[Event]
    ignored: int  # entries (or whole payloads) this version does not understand


def encode(events: Sequence[Event]) -> list[str]:
    """One or more payloads, each under the NOTIFY limit, that decode back to `events` in order."""
    entries = [json.dumps(_entry(event), **_COMPACT) for event in events]
    payloads: list[str] = []
    chunk: list[str] = []
    for entry in entries:
        if chunk and len(_payload([*chunk, entry]).encode()) > MAX_PAYLOAD_BYTES:
            payloads.append(_payload(chunk))
            chunk = []
        chunk.append(entry)
    if chunk:
        payloads.append(_payload(chunk))
    return payloads


def decode(payload: str) -> Decoded:
    try:
        document = json.loads(payload)
    except (ValueError, RecursionError):  # RecursionError: absurdly nested input
        return Decoded([], 1)
    if not isinstance(document, dict) or document.get("v") != VERSION:
        return Decoded([], 1)
    entries = document.get("e")
    if not isinstance(entries, list):
        return Decoded([], 1)
    events = [_event(entry) for entry in entries]
    known = [event for event in events if event is not None]
    return Decoded(known, len(events) - len(known))


def _payload(entries: list[str]) -> str:
    return f'{{"v":{VERSION},"e":[{",".join(entries)}]}}'


def _entry(event: Event) -> list[object]:
    match event:
        case BuildLogAppended(build_id=build_id, last_seq=last_seq):
            return ["L", build_id.hex, last_seq]
        case BuildChanged(build_id=build_id):
            return ["B", build_id.hex]
        case BuildQueued(build_id=build_id):
            return ["Q", build_id.hex]
        case ToolChanged(tool_id=tool_id):
            return ["T", tool_id.hex]
        case AccountChanged(user_id=user_id):
            return ["A", user_id.hex]
        case SessionEnded(session_id=session_id):
            return ["S", session_id.hex]
        case FeedResumed():
            return ["R"]
    raise TypeError(f"no NOTIFY encoding for {type(event).__name__}")


_BY_ID: dict[str, Callable[[uuid.UUID], Event]] = {
    "B": BuildChanged,
    "Q": BuildQueued,
    "T": ToolChanged,
    "A": AccountChanged,
    "S": SessionEnded,
}


def _event(entry: object) -> Event | None:
    try:
        match entry:
            case ["L", str(build_id), int(last_seq)] if not isinstance(last_seq, bool):
                return BuildLogAppended(uuid.UUID(hex=build_id), last_seq)
            case [str(kind), str(some_id)] if kind in _BY_ID:
                return _BY_ID[kind](uuid.UUID(hex=some_id))
            case ["R"]:
                return FeedResumed()
    except ValueError:  # not a UUID
        return None
    return None

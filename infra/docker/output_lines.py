"""Turning the bytes of Docker's logs endpoint (asked for with timestamps) into lines.

Without a TTY the body is multiplexed: frames of an 8-byte header (stream, 3 zero bytes, big
endian length) and one log message each, `<RFC3339Nano timestamp> <text>\\n`. A message longer
than the daemon's buffer comes as several frames, each with its own timestamp, and only the
last ends in a newline. With a TTY the body is the raw text, every line still timestamped.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Protocol

from domain.builds.model import LogStream
from domain.containers import ContainerOutput

MAX_LINE_CHARS = 8192
# Enough bytes for MAX_LINE_CHARS of any UTF-8 text, plus the timestamp: what is kept of a
# longer line while waiting for its end.
MAX_LINE_BYTES = MAX_LINE_CHARS * 4 + 64
HEADER = struct.Struct(">BxxxL")
STDERR_FRAME = 2
RAW_CHUNK_BYTES = 65536


class Body(Protocol):
    """The part of urllib3's response the readers use."""

    def read(self, amt: int) -> bytes: ...
    def read1(self, amt: int) -> bytes: ...


def multiplexed_frames(body: Body) -> Iterator[tuple[LogStream, bytes]]:
    while len(header := body.read(HEADER.size)) == HEADER.size:
        kind, length = HEADER.unpack(header)
        payload = body.read(length)
        if len(payload) < length:
            return
        yield (LogStream.STDERR if kind == STDERR_FRAME else LogStream.STDOUT), payload


def raw_chunks(body: Body) -> Iterator[bytes]:
    # read1 returns what has arrived instead of waiting for a full buffer: live lines stay live.
    while chunk := body.read1(RAW_CHUNK_BYTES):
        yield chunk


def read_lines(body: Body, tty: bool) -> Iterator[ContainerOutput]:
    """Every line of the logs endpoint's body, as it arrives, until the body ends."""
    if tty:
        raw = RawLines()
        for chunk in raw_chunks(body):
            yield from raw.feed(chunk)
        yield from raw.finish()
        return
    frames = FrameLines()
    for stream, payload in multiplexed_frames(body):
        if (line := frames.feed(stream, payload)) is not None:
            yield line
    yield from frames.finish()


def to_output(stream: LogStream, message: bytes) -> ContainerOutput:
    stamp, separator, text = message.partition(b" ")
    timestamp = parse_timestamp(stamp) if separator else None
    if timestamp is None:  # not timestamped after all: keep every byte as text
        timestamp, text = datetime.now(UTC), message
    decoded = text.decode("utf-8", "replace").rstrip("\r\n")
    return ContainerOutput(stream, timestamp, decoded[:MAX_LINE_CHARS])


def parse_timestamp(stamp: bytes) -> datetime | None:
    """An RFC3339Nano time of the daemon's, in UTC; None when it is not one."""
    try:
        # Python keeps microseconds of Docker's nanoseconds; order comes from the daemon.
        parsed = datetime.fromisoformat(stamp.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class FrameLines:
    """Whole lines from multiplexed frames: a message split over frames is joined again
    (keeping the first part's timestamp), up to what a line may hold."""

    def __init__(self) -> None:
        self._pending: dict[LogStream, bytearray] = {}

    def feed(self, stream: LogStream, payload: bytes) -> ContainerOutput | None:
        pending = self._pending.pop(stream, None)
        if pending is None:
            pending = bytearray(payload[:MAX_LINE_BYTES])
        else:  # a continuation: drop its own timestamp
            pending += payload.partition(b" ")[2][: MAX_LINE_BYTES - len(pending)]
        if payload.endswith(b"\n"):
            return to_output(stream, bytes(pending))
        self._pending[stream] = pending
        return None

    def finish(self) -> list[ContainerOutput]:
        """What was left without a newline when the stream ended."""
        lines = [to_output(stream, bytes(text)) for stream, text in self._pending.items()]
        self._pending.clear()
        return sorted(lines, key=lambda line: line.timestamp)


class RawLines:
    """Whole lines from a TTY's raw text (all of it on stdout)."""

    def __init__(self) -> None:
        self._partial = bytearray()

    def feed(self, chunk: bytes) -> list[ContainerOutput]:
        *complete, rest = (bytes(self._partial) + chunk).split(b"\n")
        self._partial = bytearray(rest[:MAX_LINE_BYTES])
        return [to_output(LogStream.STDOUT, line) for line in complete]

    def finish(self) -> list[ContainerOutput]:
        rest, self._partial = bytes(self._partial), bytearray()
        return [to_output(LogStream.STDOUT, rest)] if rest else []

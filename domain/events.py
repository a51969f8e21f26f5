"""What changed, told after commit: small wake-ups that carry ids and sequence numbers only.

Subscribers never trust an event's content for data: they re-read the store, so a lost,
repeated or merged event can delay an update but never skip or duplicate one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

Topic = str
ALL_TOOLS: Topic = "tools"
BUILD_QUEUE: Topic = "build-queue"


def build_topic(build_id: uuid.UUID) -> Topic:
    return f"build:{build_id}"


def tool_topic(tool_id: uuid.UUID) -> Topic:
    return f"tool:{tool_id}"


def account_topic(user_id: uuid.UUID) -> Topic:
    return f"account:{user_id}"


def session_topic(session_id: uuid.UUID) -> Topic:
    return f"session:{session_id}"


@dataclass(frozen=True)
class BuildLogAppended:
    build_id: uuid.UUID
    last_seq: int

    @property
    def topics(self) -> tuple[Topic, ...]:
        return (build_topic(self.build_id),)


@dataclass(frozen=True)
class BuildChanged:
    build_id: uuid.UUID

    @property
    def topics(self) -> tuple[Topic, ...]:
        return (build_topic(self.build_id),)


@dataclass(frozen=True)
class BuildQueued:
    build_id: uuid.UUID

    @property
    def topics(self) -> tuple[Topic, ...]:
        return (BUILD_QUEUE, build_topic(self.build_id))


@dataclass(frozen=True)
class ToolChanged:
    tool_id: uuid.UUID

    @property
    def topics(self) -> tuple[Topic, ...]:
        return (tool_topic(self.tool_id), ALL_TOOLS)


@dataclass(frozen=True)
class AccountChanged:
    """A user's standing changed: deactivated, role, sessions or API tokens revoked."""

    user_id: uuid.UUID

    @property
    def topics(self) -> tuple[Topic, ...]:
        return (account_topic(self.user_id),)


@dataclass(frozen=True)
class SessionEnded:
    session_id: uuid.UUID

    @property
    def topics(self) -> tuple[Topic, ...]:
        return (session_topic(self.session_id),)


@dataclass(frozen=True)
class FeedResumed:
    """Events may have been lost (a bus connection dropped): every subscriber re-reads."""

    @property
    def topics(self) -> tuple[Topic, ...]:
        return ()


Event = (
    BuildLogAppended
    | BuildChanged
    | BuildQueued
    | ToolChanged
    | AccountChanged
    | SessionEnded
    | FeedResumed
)

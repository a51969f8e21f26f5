"""A tool's status and the moves between statuses that its state machine allows."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import DomainError, ErrorCode


class ToolStatus(StrEnum):
    PENDING = "PENDING"
    BUILDING = "BUILDING"
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    UNHEALTHY = "UNHEALTHY"
    STOPPED = "STOPPED"
    FAILED = "FAILED"


class DesiredState(StrEnum):
    RUNNING = "RUNNING"
    STOPPED = "STOPPED"
    REMOVED = "REMOVED"  # being uninstalled: nothing new may start or be queued


P, B, S = ToolStatus.PENDING, ToolStatus.BUILDING, ToolStatus.STARTING
R, U, X, F = ToolStatus.RUNNING, ToolStatus.UNHEALTHY, ToolStatus.STOPPED, ToolStatus.FAILED

# Where each status may go next (staying put is always allowed). A tool is PENDING or BUILDING
# only until its first image exists, and RUNNING or UNHEALTHY only after STARTING. A build that
# does not finish puts back the status it found, hence STARTING's and BUILDING's way back.
TRANSITIONS: dict[ToolStatus, frozenset[ToolStatus]] = {
    P: frozenset({B, S, X, F}),
    B: frozenset({P, S, X, F}),
    S: frozenset({P, B, R, U, X, F}),
    R: frozenset({S, U, X, F}),
    U: frozenset({S, R, X, F}),
    X: frozenset({B, S, F}),
    F: frozenset({B, S, X}),
}


class IllegalToolTransition(DomainError):
    """The tool's state machine forbids this move (a concurrent change got there first)."""

    code = ErrorCode.CONFLICT


def can_move(current: ToolStatus, target: ToolStatus) -> bool:
    return target is current or target in TRANSITIONS[current]

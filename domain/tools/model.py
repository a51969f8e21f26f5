"""Tool states. The lifecycle itself arrives with the build pipeline."""

from __future__ import annotations

from enum import StrEnum


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

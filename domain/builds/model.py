"""Build states and log streams. The pipeline that moves them arrives with the worker."""

from __future__ import annotations

from enum import StrEnum


class BuildStatus(StrEnum):
    QUEUED = "QUEUED"
    CLONING = "CLONING"
    BUILDING = "BUILDING"
    STARTING = "STARTING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class BuildTrigger(StrEnum):
    INSTALL = "INSTALL"
    UPDATE = "UPDATE"
    REBUILD = "REBUILD"
    ROLLBACK = "ROLLBACK"


class LogStream(StrEnum):
    STDOUT = "STDOUT"
    STDERR = "STDERR"
    SYSTEM = "SYSTEM"

"""A tool: where its source lives, what should run, and what was last seen running."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.tools.appearance import safe_color, safe_icon, ui_section

REPO_URL_SECRET = "machete.repo_url"
"""A credential-bearing repository URL is kept encrypted under this (non-variable) name."""


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


@dataclass
class Tool:
    name: str
    repo_url: str
    ref: str | None
    subdir: str | None
    host_port: int
    created_at: datetime
    updated_at: datetime
    status: ToolStatus = ToolStatus.PENDING
    desired_state: DesiredState = DesiredState.RUNNING
    description: str | None = None
    category: str | None = None
    commit_sha: str | None = None
    # The build whose image runs (or would run) for this tool.
    current_build_id: uuid.UUID | None = None
    manifest: dict[str, Any] | None = None
    environment: dict[str, str] = field(default_factory=dict)
    created_by_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.host_port}"

    @property
    def icon(self) -> str | None:
        return safe_icon(ui_section(self.manifest).get("icon"))

    @property
    def color(self) -> str | None:
        return safe_color(ui_section(self.manifest).get("color"))

    @property
    def health_path(self) -> str:
        machete = (self.manifest or {}).get("machete", {})
        return str(machete.get("health_check") or "/")

    @property
    def has_image(self) -> bool:
        return self.current_build_id is not None

    @property
    def is_being_removed(self) -> bool:
        return self.desired_state is DesiredState.REMOVED


@dataclass(frozen=True)
class ToolSecret:
    tool_id: uuid.UUID
    name: str
    ciphertext: bytes
    updated_at: datetime

    @property
    def is_variable(self) -> bool:
        """Injected into the container's environment (internal secrets are not)."""
        return self.name != REPO_URL_SECRET


@dataclass(frozen=True)
class HealthCheck:
    tool_id: uuid.UUID
    checked_at: datetime
    healthy: bool
    status_code: int | None = None
    latency_ms: int | None = None
    error: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

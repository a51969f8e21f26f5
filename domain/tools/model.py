"""A tool: where its source lives, what should run, and what was last seen running.

The tool owns its state: its status moves only through the methods below, along the table in
`domain/tools/status.py`, and each change records a `ToolChanged` for its unit of work.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.containers import HealthResult
from domain.entity import Entity
from domain.errors import DomainError, ErrorCode
from domain.events import ToolChanged
from domain.tools.access_level import DEFAULT_TOOL_ACCESS, ToolAccess
from domain.tools.appearance import safe_color, safe_icon, ui_section
from domain.tools.health import HealthCheck
from domain.tools.status import DesiredState, IllegalToolTransition, ToolStatus, can_move


@dataclass(frozen=True)
class ToolImage:
    """What a tool runs: a build's image, and what that build brought along."""

    build_id: uuid.UUID | None
    commit_sha: str | None = None
    manifest: dict[str, Any] | None = None
    ref: str | None = None
    description: str | None = None
    category: str | None = None


@dataclass
class Tool(Entity):
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
    # Who may open it through the gateway, and the names it answers besides its own (its
    # custom domains, normalized: lowercase, each once, sorted).
    access: ToolAccess = DEFAULT_TOOL_ACCESS
    domains: tuple[str, ...] = ()
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.domains = tuple(sorted(set(self.domains)))

    @classmethod
    def install(
        cls,
        *,
        name: str,
        repo_url: str,
        ref: str | None,
        subdir: str | None,
        host_port: int,
        environment: dict[str, str],
        created_by_id: uuid.UUID | None,
        now: datetime,
        access: ToolAccess = DEFAULT_TOOL_ACCESS,
    ) -> Tool:
        """A newly installed tool: PENDING until its first build moves it."""
        tool = cls(
            name=name,
            repo_url=repo_url,
            ref=ref,
            subdir=subdir,
            host_port=host_port,
            created_at=now,
            updated_at=now,
            environment=dict(environment),
            created_by_id=created_by_id,
            access=access,
        )
        tool._record(ToolChanged(tool.id))
        return tool

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

    # --- what it runs -----------------------------------------------------------------------

    @property
    def image(self) -> ToolImage:
        return ToolImage(
            self.current_build_id,
            self.commit_sha,
            self.manifest,
            self.ref,
            self.description,
            self.category,
        )

    def run_image(self, image: ToolImage, now: datetime) -> None:
        """From now on the tool runs this image (a build launched it, or put it back)."""
        self.current_build_id, self.commit_sha = image.build_id, image.commit_sha
        self.manifest, self.ref = image.manifest, image.ref
        self.description, self.category = image.description, image.category
        self.touch(now)

    def serve_on(self, host_port: int, now: datetime) -> None:
        """From now on its container listens on this host port (a switch moved it there); the
        gateway's route follows the stored port."""
        self.host_port = host_port
        self.touch(now)

    def set_environment(self, environment: dict[str, str], now: datetime) -> None:
        self.environment = dict(environment)
        self.touch(now)

    # --- who reaches it, and on which names -------------------------------------------------

    def open_to(self, access: ToolAccess, now: datetime) -> None:
        """From now on the gateway lets in whoever this level admits."""
        self.access = access
        self.touch(now)

    def answer_on(self, domains: tuple[str, ...], now: datetime) -> None:
        """Its custom domains from now on (already validated: `domain/tools/custom_domains.py`)."""
        self.domains = tuple(sorted(set(domains)))
        self.touch(now)

    # --- what should run --------------------------------------------------------------------

    def want_running(self, now: datetime) -> None:
        """Asking for a build is asking for the tool to run."""
        self.desired_state = DesiredState.RUNNING
        self.touch(now)

    def start(self, now: datetime) -> None:
        if not self.has_image:
            raise DomainError(
                "The tool has never been built successfully; nothing to start.",
                code=ErrorCode.CONFLICT,
            )
        self.desired_state = DesiredState.RUNNING
        self._move(ToolStatus.STARTING, now)

    def stop(self, now: datetime) -> None:
        """Stopped, and meant to stay so (a tool being removed stays being removed)."""
        if not self.is_being_removed:
            self.desired_state = DesiredState.STOPPED
        self._move(ToolStatus.STOPPED, now)

    def mark_removed(self, now: datetime) -> None:
        self.desired_state = DesiredState.REMOVED
        self.touch(now)

    def forget(self) -> None:
        """Its records are about to be deleted."""
        self._record(ToolChanged(self.id))

    # --- what was seen ----------------------------------------------------------------------

    def building(self, now: datetime) -> None:
        """Its first image is being built."""
        self._move(ToolStatus.BUILDING, now)

    def starting(self, now: datetime) -> None:
        self._move(ToolStatus.STARTING, now)

    def settle(self, healthy: bool, now: datetime) -> None:
        """A health check decided how the started (or running) tool is."""
        self._move(ToolStatus.RUNNING if healthy else ToolStatus.UNHEALTHY, now)

    def fail(self, now: datetime) -> None:
        self._move(ToolStatus.FAILED, now)

    def started(self, healthy: bool, now: datetime) -> None:
        """A build's start ended with this health check: the tool settles, unless a user's
        start, restart or stop since has decided its status (a failed start stays FAILED)."""
        self._move_if_legal(ToolStatus.RUNNING if healthy else ToolStatus.UNHEALTHY)
        self.touch(now)

    def resume(self, status: ToolStatus, now: datetime) -> None:
        """Put back the status a build found, unless a change since has made that illegal; a
        tool left without an image then shows FAILED (it can be built again from there)."""
        if not self._move_if_legal(status) and not self.has_image:
            self._move_if_legal(ToolStatus.FAILED)
        self.touch(now)

    def health_check(self, result: HealthResult, now: datetime) -> HealthCheck:
        """A probe's result, to keep in the tool's recent history."""
        self._record(ToolChanged(self.id))
        return HealthCheck(
            tool_id=self.id,
            checked_at=now,
            healthy=result.healthy,
            status_code=result.status_code,
            latency_ms=result.latency_ms,
            error=result.error,
        )

    def touch(self, now: datetime) -> None:
        """Something the tool shows changed (its latest build's progress, say)."""
        self.updated_at = now
        self._record(ToolChanged(self.id))

    def _move(self, status: ToolStatus, now: datetime) -> None:
        target = self._wanted(status)
        if not can_move(self.status, target):
            message = f"Tool {self.name} cannot go from {self.status} to {target}."
            raise IllegalToolTransition(message)
        self.status = target
        self.touch(now)

    def _move_if_legal(self, status: ToolStatus) -> bool:
        target = self._wanted(status)
        if not can_move(self.status, target):
            return False
        self.status = target
        return True

    def _wanted(self, status: ToolStatus) -> ToolStatus:
        # A user's stop wins over whatever a build, a start or a check would show.
        return ToolStatus.STOPPED if self.desired_state is DesiredState.STOPPED else status

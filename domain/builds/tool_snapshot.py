"""What a build changes on its tool, and how it puts things back when it does not finish."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.runtime.model import HealthResult
from domain.tools.model import DesiredState, HealthCheck, Tool, ToolStatus


@dataclass
class Before:
    """The tool as this build found it, to restore when the build does not finish."""

    status: ToolStatus
    current_build_id: uuid.UUID | None
    commit_sha: str | None = None
    manifest: dict[str, Any] | None = None
    ref: str | None = None
    description: str | None = None
    category: str | None = None

    @classmethod
    def of(cls, tool: Tool) -> Before:
        return cls(
            tool.status,
            tool.current_build_id,
            tool.commit_sha,
            tool.manifest,
            tool.ref,
            tool.description,
            tool.category,
        )

    def restore_image(self, tool: Tool) -> None:
        """Point the tool back at the image it ran before this build."""
        tool.current_build_id, tool.commit_sha = self.current_build_id, self.commit_sha
        tool.manifest, tool.ref = self.manifest, self.ref
        tool.description, tool.category = self.description, self.category


def stopped_meanwhile(tool: Tool) -> None:
    """A user's stop during the build wins over whatever status the build would leave."""
    if tool.desired_state is DesiredState.STOPPED:
        tool.status = ToolStatus.STOPPED


def health_check(tool_id: uuid.UUID, now: datetime, result: HealthResult) -> HealthCheck:
    return HealthCheck(
        tool_id=tool_id,
        checked_at=now,
        healthy=result.healthy,
        status_code=result.status_code,
        latency_ms=result.latency_ms,
        error=result.error,
    )

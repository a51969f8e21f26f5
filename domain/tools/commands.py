"""What callers ask of the tool use cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from domain.tools.access_level import DEFAULT_TOOL_ACCESS, ToolAccess


@dataclass(frozen=True)
class InstallTool:
    repo_url: str
    ref: str | None = None
    subdir: str | None = None
    name: str | None = None
    environment: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    idempotency_key: str | None = None
    access: ToolAccess = DEFAULT_TOOL_ACCESS


@dataclass(frozen=True)
class RequestBuild:
    tool_id: uuid.UUID
    ref: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Rollback:
    tool_id: uuid.UUID
    build_id: uuid.UUID


@dataclass(frozen=True)
class ManifestPlan:
    """What installing would do, from a dry run: nothing is created."""

    name: str
    image: str
    commit_sha: str
    category: str
    port: int
    health_check: str
    environment_keys: tuple[str, ...]
    volumes: tuple[str, ...]
    memory_bytes: int
    nano_cpus: int
    pids_limit: int

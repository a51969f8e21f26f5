"""Containers and images as the use cases ask the engine for them, as plain values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from domain.builds.model import LogStream

LogSink = Callable[[LogStream, str], None]
"""Receives output one line at a time, always on the event loop's thread."""

MANAGED_LABEL = "machete.managed"
TOOL_LABEL = "machete.tool"
BUILD_LABEL = "machete.build"
# The host port a container listens on: tells a switch's two containers apart after a crash.
PORT_LABEL = "machete.port"


def container_name(tool_name: str) -> str:
    return f"machete-{tool_name}"


def next_container_name(tool_name: str) -> str:
    """The new container of a switch, beside the running one until it takes over its name."""
    return f"{container_name(tool_name)}-next"


def image_repository(tool_name: str) -> str:
    return f"machete/{tool_name}"


def image_tag(tool_name: str, build_number: int) -> str:
    return f"{image_repository(tool_name)}:{build_number}"


def labels_for(tool_name: str, build_id: str) -> dict[str, str]:
    return {MANAGED_LABEL: "true", TOOL_LABEL: tool_name, BUILD_LABEL: build_id}


def container_labels(tool_name: str, build_id: str, host_port: int) -> dict[str, str]:
    return {**labels_for(tool_name, build_id), PORT_LABEL: str(host_port)}


class NetworkMode(StrEnum):
    BRIDGE = "bridge"
    HOST = "host"


@dataclass(frozen=True)
class ImageBuild:
    context_dir: Path
    tag: str
    labels: dict[str, str]
    dockerfile: str = "Dockerfile"


@dataclass(frozen=True)
class Mount:
    host_path: Path
    container_path: str
    read_only: bool = False


@dataclass(frozen=True)
class ContainerSpec:
    name: str
    image: str
    labels: dict[str, str]
    container_port: int
    host_port: int
    network_mode: NetworkMode
    environment: dict[str, str] = field(default_factory=dict)
    mounts: tuple[Mount, ...] = ()
    memory_bytes: int | None = None
    nano_cpus: int | None = None
    pids_limit: int | None = None
    read_only_root: bool = False


@dataclass(frozen=True)
class ContainerState:
    running: bool
    status: str
    exit_code: int | None = None
    image: str | None = None
    container_id: str | None = None
    started_at: datetime | None = None  # None: never started
    restart_count: int = 0
    # Waiting to be restarted by its restart policy: the engine still reports it as running,
    # but nothing runs and its output has ended.
    restarting: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    # Its bind mounts as the engine made them (host paths resolved when it was created).
    mounts: tuple[Mount, ...] = ()

    @property
    def host_port(self) -> int | None:
        """The port its labels say it listens on (None for containers made before the label)."""
        label = self.labels.get(PORT_LABEL, "")
        return int(label) if label.isdigit() else None

    @property
    def run(self) -> tuple[str | None, datetime | None]:
        """Which run of which container this is: it changes with every start, by hand or by
        the restart policy, and with a new container, so two runs that ended alike differ.
        Not the restart count: Docker counts a restart when the run crashes, while it waits
        to start the next one, and resets the count on a start by hand."""
        return (self.container_id, self.started_at)

    @property
    def prints(self) -> bool:
        """A process runs in it now, so its output goes on."""
        return self.running and not self.restarting


@dataclass(frozen=True)
class HealthResult:
    healthy: bool
    status_code: int | None = None
    latency_ms: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class ContainerOutput:
    """One line a container printed, as the engine timestamped it (timezone-aware UTC)."""

    stream: LogStream
    timestamp: datetime
    text: str

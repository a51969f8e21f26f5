"""How a `ContainerSpec` becomes docker-py create arguments under the platform's safety policy:
never privileged, no new privileges, every capability dropped, private IPC, no devices,
limits applied, and published ports bound to loopback only."""

from __future__ import annotations

import re
from typing import Any

from docker.types import LogConfig, Mount

from domain.containers import ContainerSpec, NetworkMode
from domain.containers import Mount as ToolMount
from domain.errors import EngineError, ErrorCode

LOOPBACK = "127.0.0.1"
# Docker's own rule for container names.
CONTAINER_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$")
# Bounded json-file logs, so a chatty tool cannot fill the disk.
LOG_CONFIG = LogConfig(type=LogConfig.types.JSON, config={"max-size": "10m", "max-file": "3"})


def validate_spec(spec: ContainerSpec) -> None:
    """Refuse a spec docker would misread, before any call reaches the engine."""
    problems: list[str] = []
    if not CONTAINER_NAME.match(spec.name):
        problems.append(f"invalid container name {spec.name!r}")
    if not spec.image or spec.image.startswith("-"):
        problems.append("an image is required")
    for port in (spec.container_port, spec.host_port):
        if not 1 <= port <= 65535:
            problems.append(f"port {port} is out of range")
    for mount in spec.mounts:
        if not mount.host_path.is_absolute() or not mount.container_path.startswith("/"):
            problems.append(f"mount {mount.container_path!r} needs absolute paths")
    if problems:
        raise EngineError(
            "Invalid container: " + "; ".join(problems), code=ErrorCode.CONTAINER_START_FAILED
        )


def create_arguments(spec: ContainerSpec) -> dict[str, Any]:
    """Keyword arguments for `client.containers.create`."""
    return {
        "image": spec.image,
        "name": spec.name,
        "labels": dict(spec.labels),
        "environment": dict(spec.environment),
        "detach": True,
        "restart_policy": {"Name": "unless-stopped"},
        "privileged": False,
        "security_opt": ["no-new-privileges:true"],
        "cap_drop": ["ALL"],
        "ipc_mode": "private",
        "devices": [],
        "read_only": spec.read_only_root,
        "mounts": [_bind(mount) for mount in spec.mounts],
        "log_config": LOG_CONFIG,
        **_limits(spec),
        **_network(spec),
    }


def _bind(mount: ToolMount) -> Mount:
    return Mount(
        target=mount.container_path,
        source=str(mount.host_path),
        type="bind",
        read_only=mount.read_only,
    )


def _limits(spec: ContainerSpec) -> dict[str, int]:
    limits = {
        "mem_limit": spec.memory_bytes,
        "nano_cpus": spec.nano_cpus,
        "pids_limit": spec.pids_limit,
    }
    return {key: value for key, value in limits.items() if value is not None}


def _network(spec: ContainerSpec) -> dict[str, Any]:
    if spec.network_mode is NetworkMode.HOST:
        # The tool listens on the host's loopback itself; nothing is published.
        return {"network_mode": "host"}
    return {
        "network_mode": "bridge",
        "ports": {f"{spec.container_port}/tcp": (LOOPBACK, spec.host_port)},
    }

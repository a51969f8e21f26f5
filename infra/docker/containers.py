"""Blocking container operations on a docker-py client (the engine runs them in threads)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import docker
from docker.errors import APIError, NotFound

from domain.containers import ContainerSpec, ContainerState, Mount
from domain.errors import EngineError, ErrorCode
from infra.docker.container_config import CONTAINER_NAME, create_arguments, validate_spec
from infra.docker.error_mapping import explanation
from infra.docker.output_lines import parse_timestamp

logger = logging.getLogger(__name__)
DEFAULT_BRIDGE = "bridge"
NEVER_YEAR = 1


def has_default_bridge(client: docker.DockerClient) -> bool:
    """dockerd started with --bridge=none has no network named "bridge" at all."""
    networks = client.api.networks(names=[DEFAULT_BRIDGE])
    return any(
        network.get("Name") == DEFAULT_BRIDGE and network.get("Driver") == DEFAULT_BRIDGE
        for network in networks
    )


def replace_and_start(client: docker.DockerClient, spec: ContainerSpec) -> str:
    validate_spec(spec)
    remove(client, spec.name)
    container = client.containers.create(**create_arguments(spec))
    try:
        container.start()
    except APIError as error:
        # A container that never started is of no use to anyone: do not leave it behind.
        _remove_quietly(client, str(container.id))
        raise EngineError(
            f"Docker could not start the container: {explanation(error)}",
            code=ErrorCode.CONTAINER_START_FAILED,
        ) from error
    return str(container.id)


def start(client: docker.DockerClient, name: str) -> None:
    try:
        client.api.start(name)
    except NotFound as error:
        raise EngineError(
            f"There is no container named {name}", code=ErrorCode.CONTAINER_START_FAILED
        ) from error


def stop(client: docker.DockerClient, name: str, timeout_seconds: int) -> None:
    try:
        client.api.stop(name, timeout=timeout_seconds)
    except NotFound:
        logger.debug("container %s already gone; nothing to stop", name)


def remove(client: docker.DockerClient, name: str) -> None:
    try:
        client.api.remove_container(name, force=True)
    except NotFound:
        logger.debug("container %s already gone; nothing to remove", name)


def rename(client: docker.DockerClient, name: str, new_name: str) -> None:
    if not CONTAINER_NAME.match(new_name):
        raise EngineError(f"invalid container name {new_name!r}", code=ErrorCode.CONFLICT)
    try:
        client.api.rename(name, new_name)
    except NotFound as error:
        raise EngineError(f"There is no container named {name}", code=ErrorCode.CONFLICT) from error


def state(client: docker.DockerClient, name: str) -> ContainerState | None:
    try:
        details = client.api.inspect_container(name)
    except NotFound:
        return None
    status = details.get("State") or {}
    return ContainerState(
        running=bool(status.get("Running")),
        status=str(status.get("Status", "unknown")),
        exit_code=status.get("ExitCode"),
        image=(details.get("Config") or {}).get("Image"),
        container_id=details.get("Id"),
        started_at=_started_at(status.get("StartedAt")),
        restart_count=int(details.get("RestartCount") or 0),
        restarting=bool(status.get("Restarting")),
        labels=dict((details.get("Config") or {}).get("Labels") or {}),
        mounts=tuple(_bind_mounts(details.get("Mounts") or [])),
    )


def _bind_mounts(mounts: list[dict[str, Any]]) -> Iterator[Mount]:
    for mount in mounts:
        if mount.get("Type") == "bind" and mount.get("Source") and mount.get("Destination"):
            read_only = not mount.get("RW", True)
            yield Mount(Path(mount["Source"]), str(mount["Destination"]), read_only=read_only)


def _started_at(stamp: str | None) -> datetime | None:
    # A container never started says so with Go's zero time, year 1.
    started = parse_timestamp(stamp.encode("ascii", "replace")) if stamp else None
    return started if started is not None and started.year > NEVER_YEAR else None


def _remove_quietly(client: docker.DockerClient, container_id: str) -> None:
    try:
        client.api.remove_container(container_id, force=True)
    except APIError as error:
        logger.warning("could not remove a container that failed to start: %s", error)

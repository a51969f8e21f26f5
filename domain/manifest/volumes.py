"""`machete.volumes`: "host:container[:ro|:rw]" with the host path inside the tool's data dir.

The host path is only checked as text here; `ToolFiles` resolves it on disk later and refuses
symlinks that leave the tool's directory.
"""

from __future__ import annotations

import posixpath
import re

from domain.errors import ErrorCode
from domain.manifest.checks import KeyPath, Problems, read_list, read_text
from domain.manifest.document import Node
from domain.manifest.model import Volume

MAX_VOLUME_LENGTH = 1024
DOCKER_SOCKETS = frozenset({"/var/run/docker.sock", "/run/docker.sock"})
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\\]")
_FORMAT = 'expected "host:container", "host:container:ro" or "host:container:rw"'


def read_volumes(node: Node, path: KeyPath, problems: Problems) -> tuple[Volume, ...]:
    items = read_list(node, path, problems)
    if items is None:
        return ()
    volumes: list[Volume] = []
    mounted_at: dict[str, int] = {}
    for index, item in enumerate(items.items):
        item_path = (*path, index)
        text = read_text(item, item_path, problems, max_length=MAX_VOLUME_LENGTH)
        volume = _parse_volume(text, item_path, item.line, problems) if text is not None else None
        if volume is None:
            continue
        target = posixpath.normpath(volume.container_path)
        if target in mounted_at:
            detail = f'"{target}" is already mounted by the volume at line {mounted_at[target]}'
            problems.add(detail, item_path, item.line)
            continue
        mounted_at[target] = item.line
        volumes.append(volume)
    return tuple(volumes)


def _parse_volume(text: str, path: KeyPath, line: int, problems: Problems) -> Volume | None:
    parts = text.split(":")
    if len(parts) not in (2, 3):
        problems.add(f'"{text}": {_FORMAT}', path, line)
        return None
    host, container, mode = parts[0], parts[1], parts[2] if len(parts) == 3 else "rw"
    if mode not in ("ro", "rw"):
        problems.add(f'"{text}": the mode "{mode}" must be "ro" or "rw"', path, line)
    # Path faults share one code so callers can tell an unsafe mount from a typo.
    faults = [*_host_path_faults(host), *_container_path_faults(container)]
    for fault in faults:
        problems.add(f'"{text}": {fault}', path, line, ErrorCode.VOLUME_NOT_ALLOWED)
    if faults or mode not in ("ro", "rw"):
        return None
    return Volume(host, container, read_only=mode == "ro")


def _host_path_faults(host: str) -> list[str]:
    if not host:
        return ["the host path is empty"]
    if _UNSAFE_CHARACTERS.search(host):
        return ["the host path contains control characters or backslashes"]
    if "docker.sock" in host.lower():
        return ["the host path must not name the Docker socket"]
    if host.startswith(("/", "~")):
        return ["the host path must be relative to the tool's data directory, like ./data"]
    if ".." in host.split("/"):
        return ['the host path must not contain ".."']
    return []


def _container_path_faults(container: str) -> list[str]:
    if _UNSAFE_CHARACTERS.search(container):
        return ["the container path contains control characters or backslashes"]
    if not container.startswith("/"):
        return ["the container path must be absolute, like /app/data"]
    if ".." in container.split("/"):
        return ['the container path must not contain ".."']
    normalized = posixpath.normpath(container)
    if normalized in ("/", "//"):  # POSIX keeps a leading "//" as it is
        return ["the container path must not be the container's root"]
    if normalized in DOCKER_SOCKETS:
        return ["the container path must not be the Docker socket"]
    return []

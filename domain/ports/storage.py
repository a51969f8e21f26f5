"""Ports to where things are kept: each tool's data directory, and the database's health."""

from __future__ import annotations

from typing import Protocol

from domain.containers import Mount
from domain.manifest.model import Volume


class ToolFiles(Protocol):
    """Each tool's own data directory, where its manifest volumes live."""

    def mounts_for(self, tool_name: str, volumes: tuple[Volume, ...]) -> tuple[Mount, ...]:
        """Create the volumes' directories; refuse (ManifestError VOLUME_NOT_ALLOWED) any path
        that would leave the tool's directory, symlinks included."""
        ...

    def sharing_problem(
        self, tool_name: str, volumes: tuple[Volume, ...], running: tuple[Mount, ...]
    ) -> str | None:
        """Why a container with these volumes may not start while a container with the
        `running` mounts runs (one could redirect the other's mounts; see
        `domain/tools/mount_sharing.py`), or None. Reads the disk, changes nothing."""
        ...

    def remove(self, tool_name: str) -> None: ...
    def exists(self, tool_name: str) -> bool: ...


class DatabaseProbe(Protocol):
    dialect: str

    async def is_reachable(self) -> bool: ...

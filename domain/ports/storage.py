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

    def remove(self, tool_name: str) -> None: ...
    def exists(self, tool_name: str) -> bool: ...


class DatabaseProbe(Protocol):
    dialect: str

    async def is_reachable(self) -> bool: ...

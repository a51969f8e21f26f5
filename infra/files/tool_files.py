"""Each tool's data directory on the host, where its manifest volumes are bind-mounted from.

A volume's host path must stay inside `tools_dir/<tool>`. A previous container may have
written symlinks into its own volumes, so paths are resolved (symlinks followed) before
being trusted, and the resolved path is what gets mounted.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path, PurePosixPath

from domain.containers import Mount
from domain.errors import ErrorCode, ManifestError
from domain.manifest.model import Volume
from domain.tools.mount_sharing import redirect_risk

TOOL_NAME_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
DIRECTORY_MODE = 0o750
DOCKER_SOCKET = "docker.sock"
VOLUMES_FIELD = ("machete", "volumes")


class LocalToolFiles:
    def __init__(self, tools_dir: Path) -> None:
        # Resolved once, so a symlinked data dir does not make every check fail.
        self._tools_dir = tools_dir.resolve()

    def mounts_for(self, tool_name: str, volumes: tuple[Volume, ...]) -> tuple[Mount, ...]:
        root = self._tool_root(tool_name)
        # Every volume is checked before the first directory is made.
        targets = [self._checked_target(root, volume) for volume in volumes]
        mounts = []
        for volume, target in zip(volumes, targets, strict=True):
            _make_directories(self._tools_dir, target)
            # Re-check after creation: a symlink may have appeared in the meantime.
            mounted = self._checked_target(root, volume)
            mounts.append(
                Mount(
                    host_path=mounted,
                    container_path=volume.container_path,
                    read_only=volume.read_only,
                )
            )
        return tuple(mounts)

    def sharing_problem(
        self, tool_name: str, volumes: tuple[Volume, ...], running: tuple[Mount, ...]
    ) -> str | None:
        root = self._tool_root(tool_name)
        planned = []
        for volume in volumes:
            if (reason := _lexical_problem(volume.host_path)) is not None:
                return f"volume {volume.spec()!r} is not allowed: {reason}"
            target = root.joinpath(*PurePosixPath(volume.host_path).parts)
            # Without a symlink on the way, the path is what it says, so comparing paths is
            # comparing directories; a link (left by an earlier container) might lead anywhere.
            if (link := _first_symlink(root, target)) is not None:
                return f"volume {volume.spec()!r} passes through the symlink {link}"
            planned.append(Mount(target, volume.container_path, volume.read_only))
        return redirect_risk(planned, running)

    def remove(self, tool_name: str) -> None:
        root = self._tool_root(tool_name)
        if root.is_symlink():
            root.unlink()  # Only the link itself: its target is not ours.
            return
        if not root.exists():
            return
        # The fd-based rmtree unlinks symlinks instead of descending into them.
        if not shutil.rmtree.avoids_symlink_attacks:
            raise RuntimeError("this platform's rmtree may follow symlinks; refusing to delete")
        shutil.rmtree(root)

    def exists(self, tool_name: str) -> bool:
        root = self._tool_root(tool_name)
        return root.is_dir() and not root.is_symlink()

    def _tool_root(self, tool_name: str) -> Path:
        if not TOOL_NAME_PATTERN.fullmatch(tool_name):
            raise ManifestError(
                "tool name must be lowercase letters, digits and dashes",
                code=ErrorCode.INVALID_INPUT,
            )
        return self._tools_dir / tool_name

    def _checked_target(self, root: Path, volume: Volume) -> Path:
        reason = _lexical_problem(volume.host_path)
        target = root / volume.host_path
        if reason is None and not _is_within(target.resolve(), root):
            reason = "it leads outside the tool's data directory"
        if reason is None and _blocked_by_a_file(target.resolve(), root):
            reason = "a file is in the way of its directory"
        if reason is not None:
            raise ManifestError(
                f"volume {volume.spec()!r} is not allowed: {reason}",
                code=ErrorCode.VOLUME_NOT_ALLOWED,
                field=VOLUMES_FIELD,
            )
        return target.resolve()


def _lexical_problem(host_path: str) -> str | None:
    """Why the path is refused before looking at the disk, or None."""
    if not host_path.strip() or "\x00" in host_path:
        return "the host path is empty or malformed"
    path = PurePosixPath(host_path)
    if path.is_absolute() or host_path.startswith("~"):
        return "host paths must be relative to the tool's data directory"
    if ".." in path.parts:
        return "host paths must not contain '..'"
    if any(DOCKER_SOCKET in part.lower() for part in path.parts):
        return "the Docker socket cannot be mounted"
    return None


def _first_symlink(root: Path, target: Path) -> Path | None:
    """The first symlink on the way from the tool's directory down to `target`, if any."""
    for candidate in (*reversed(target.relative_to(root).parents), target):
        path = root / candidate
        if path.is_symlink():
            return path
        if not path.exists():
            return None  # what is missing is made later, below a directory no container writes
    return None


def _is_within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _blocked_by_a_file(target: Path, root: Path) -> bool:
    """True when the nearest existing path of `target` (within `root`) is not a directory."""
    for candidate in (target, *target.parents):
        if candidate.exists():
            return not candidate.is_dir()
        if candidate == root:
            return False
    return False


def _make_directories(base: Path, target: Path) -> None:
    """Create `target` below `base` one level at a time, each with DIRECTORY_MODE."""
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    current = base
    for part in target.relative_to(base).parts:
        current = current / part
        try:
            os.mkdir(current, DIRECTORY_MODE)
            os.chmod(current, DIRECTORY_MODE)  # The same mode whatever the process umask.
        except FileExistsError:
            if not current.is_dir():
                raise ManifestError(
                    f"{part!r} in the tool's data directory is a file, not a directory",
                    code=ErrorCode.VOLUME_NOT_ALLOWED,
                    field=VOLUMES_FIELD,
                ) from None

"""Directories only MACHETE's user may change: the run directory holds the pidfile MACHETE
adopts a Caddy by, the gateway's admin socket and the API's socket (which the API trusts as the
gateway). Whoever else may write there could plant a pidfile and sockets of their own."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def private_directory_problem(directory: Path) -> str | None:
    """Why `directory` is not private to this process's user, or None when it is."""
    try:
        info = directory.stat()
    except OSError as error:
        return f"{directory} cannot be read ({error.strerror})"
    if not stat.S_ISDIR(info.st_mode):
        return f"{directory} is not a directory"
    if info.st_uid != os.geteuid():
        return f"{directory} belongs to another user (uid {info.st_uid}): others may write to it"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"others may write to {directory} (mode {stat.S_IMODE(info.st_mode):o}); chmod 700"
    return None

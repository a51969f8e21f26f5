"""Whether a PID is a live Caddy started for this run directory by our user (PIDs get reused)."""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def is_alive(pid: int) -> bool:
    """True for a running process; a zombie (exited, not yet reaped) is dead."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return True  # no /proc: what kill(0) says
    # The state follows the command name, which is in parentheses and may hold spaces.
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def is_our_caddy(pid: int, pidfile: Path) -> bool | None:
    """Whether `pid` is our user's and runs with our `--pidfile`: None when that cannot be told
    (no /proc). Anyone may name our pidfile in their arguments; only our user's processes count
    (MACHETE running as root would otherwise end another user's process)."""
    try:
        owner = (PROC / str(pid)).stat().st_uid
        arguments = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    except FileNotFoundError:
        return False if PROC.is_dir() else None
    except OSError:
        return None
    return owner == os.geteuid() and os.fsencode(pidfile) in arguments and is_alive(pid)


def read_pid(pidfile: Path) -> int | None:
    try:
        text = pidfile.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and int(text) > 0 else None

"""One git process, watched while it runs: killed on a deadline, a size cap, or a stop request.

Blocking; run it in a thread. git runs in its own process group so that killing the group also
ends the helpers it started (git-remote-https, ssh), leaving no child behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO

import git

POLL_SECONDS = 0.05
SIZE_CHECK_SECONDS = 0.2
STDERR_LINES_KEPT = 40
READER_GRACE_SECONDS = 5.0


class StopReason(StrEnum):
    TIMEOUT = "timeout"
    TOO_LARGE = "too large"
    CANCELLED = "cancelled"


class GitStopped(Exception):
    def __init__(self, reason: StopReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


class GitFailed(Exception):
    """git exited with an error; `stderr` holds its last lines (as git wrote them)."""

    def __init__(self, status: int, stderr: list[str]) -> None:
        super().__init__(f"git exited with status {status}")
        self.status = status
        self.stderr = stderr


@dataclass(frozen=True)
class GitLimits:
    deadline: float  # on the time.monotonic() clock
    max_bytes: int
    measured_dir: Path
    stop: threading.Event


def run_git(
    args: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    limits: GitLimits,
    on_stderr: Callable[[str], None],
) -> str:
    """Run `git <args>`; return its stdout, or raise GitFailed / GitStopped."""
    # Keep GitPython's handle referenced: dropping it terminates the process.
    handle = git.Git(cwd).execute(["git", *args], as_process=True, env=env, start_new_session=True)
    process: subprocess.Popen[bytes] | None = handle.proc
    assert process is not None  # as_process=True always starts one
    stderr: list[str] = []
    stdout: list[bytes] = []
    readers = [
        _start(_read_lines, process.stderr, lambda line: _keep(line, stderr, on_stderr)),
        _start(_read_all, process.stdout, stdout.append),
    ]
    reason = _watch(process, limits)
    if reason is not None:
        os.killpg(process.pid, signal.SIGKILL)  # not reaped yet, so the group is still ours
    status = process.wait()
    for reader in readers:
        # A helper that escaped the group could hold the pipes open; do not wait for it forever.
        reader.join(timeout=READER_GRACE_SECONDS)
    del handle
    if reason is None and directory_size(limits.measured_dir) > limits.max_bytes:
        reason = StopReason.TOO_LARGE
    if reason is not None:
        raise GitStopped(reason)
    if status != 0:
        raise GitFailed(status, stderr)
    return b"".join(stdout).decode("utf-8", errors="replace")


def _watch(process: subprocess.Popen[bytes], limits: GitLimits) -> StopReason | None:
    next_size_check = 0.0
    while process.poll() is None:
        if limits.stop.wait(POLL_SECONDS):
            return StopReason.CANCELLED
        now = time.monotonic()
        if now >= limits.deadline:
            return StopReason.TIMEOUT
        if now >= next_size_check:
            if directory_size(limits.measured_dir) > limits.max_bytes:
                return StopReason.TOO_LARGE
            next_size_check = now + SIZE_CHECK_SECONDS
    return None


def directory_size(root: Path) -> int:
    """Bytes of the files under root; files that vanish meanwhile (git renames packs) count 0."""
    total = 0
    for directory, _, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(directory, name)).st_size
            except FileNotFoundError:
                continue
    return total


def _start(target: Callable[..., None], *args: object) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def _keep(line: str, kept: list[str], on_stderr: Callable[[str], None]) -> None:
    kept.append(line)
    del kept[:-STDERR_LINES_KEPT]
    on_stderr(line)


def _read_lines(stream: IO[bytes], on_line: Callable[[str], None]) -> None:
    # git rewrites progress lines with "\r"; each rewrite counts as a line of its own.
    with stream:
        for raw in iter(stream.readline, b""):
            for part in raw.decode("utf-8", errors="replace").replace("\r", "\n").splitlines():
                if part.strip():
                    on_line(part)


def _read_all(stream: IO[bytes], sink: Callable[[bytes], None]) -> None:
    with stream:
        for chunk in iter(lambda: stream.read(65536), b""):
            sink(chunk)

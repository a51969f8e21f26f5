"""Ending a process by PID: SIGTERM, a bounded wait, then SIGKILL. A child of ours is reaped
through its Popen, anyone else's is watched until it is gone."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time

from infra.gateway.caddy.liveness import is_alive


def terminate(pid: int, timeout_seconds: float, child: subprocess.Popen[bytes] | None) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not wait_gone(pid, timeout_seconds, child):
        kill_and_wait(pid, timeout_seconds=2.0, child=child)


def kill_and_wait(
    pid: int, *, timeout_seconds: float, child: subprocess.Popen[bytes] | None = None
) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    wait_gone(pid, timeout_seconds, child)


def wait_gone(pid: int, timeout_seconds: float, child: subprocess.Popen[bytes] | None) -> bool:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if child is not None and child.pid == pid:
            if child.poll() is not None:
                return True
        elif not is_alive(pid):
            return True
        time.sleep(0.05)
    return False

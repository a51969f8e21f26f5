"""The embedded Caddy as an operating-system process: adopted when one already runs for this
run directory, spawned otherwise, stopped only when asked.

Caddy runs in a session of its own, so it outlives MACHETE (tools stay reachable while MACHETE
restarts) and is adopted again at the next start. A second Caddy would silently take over the
first one's socket and port, so the choice between adopting and spawning is made under a file
lock, by every process sharing the run directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import subprocess
import time
from collections.abc import Iterator

from infra.files.private_directory import private_directory_problem
from infra.gateway.caddy.admin import socket_answers
from infra.gateway.caddy.liveness import is_alive, is_our_caddy, read_pid
from infra.gateway.caddy.paths import CaddyPaths
from infra.gateway.caddy.termination import kill_and_wait, terminate

logger = logging.getLogger(__name__)

MAX_LOG_BYTES = 10 * 1024 * 1024


class CaddyStartFailed(RuntimeError):
    """Caddy exited or never answered at start; the message ends with its last log line."""


class CaddyProcess:
    def __init__(
        self,
        binary: str,
        paths: CaddyPaths,
        admin_listen: str,
        *,
        ready_timeout_seconds: float = 10.0,
    ) -> None:
        self.binary = binary
        self.paths = paths
        self._admin_listen = admin_listen
        self._ready_timeout = ready_timeout_seconds
        self._child: subprocess.Popen[bytes] | None = None
        self.pid: int | None = None

    def ensure_running(self) -> int:
        """The PID of the live Caddy for this run directory, adopted or spawned."""
        with self._locked():
            pid = read_pid(self.paths.pidfile)
            if pid is not None and is_our_caddy(pid, self.paths.pidfile) is not False:
                if self._answers_within(2.0):
                    self._adopt(pid)
                    return pid
                if is_our_caddy(pid, self.paths.pidfile):
                    logger.warning("Caddy (pid %d) is alive but mute: replacing it", pid)
                    kill_and_wait(pid, timeout_seconds=5.0, child=self._child_of(pid))
            return self._spawn()

    def is_running(self) -> bool:
        if self.pid is None:
            return False
        child = self._child_of(self.pid)
        if child is not None:
            return child.poll() is None  # also reaps our own child
        return is_alive(self.pid)

    def stop(self, timeout_seconds: float = 5.0) -> bool:
        """SIGTERM the Caddy of the pidfile, SIGKILL it if it is still there after the
        timeout; only ever a process started with our pidfile. False when none ran."""
        with self._locked():
            pid = read_pid(self.paths.pidfile) or self.pid
            running = pid is not None and is_our_caddy(pid, self.paths.pidfile) is not False
            if pid is not None and running:
                terminate(pid, timeout_seconds, self._child_of(pid))
            with contextlib.suppress(FileNotFoundError):
                self.paths.pidfile.unlink()
            self.pid = None
            return running

    def log_tail(self, lines: int = 1) -> str:
        try:
            with self.paths.logfile.open("rb") as log:
                log.seek(max(0, self.paths.logfile.stat().st_size - 4096))
                tail = log.read().decode(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return "\n".join(tail[-lines:])

    def _child_of(self, pid: int) -> subprocess.Popen[bytes] | None:
        return self._child if self._child is not None and self._child.pid == pid else None

    def _adopt(self, pid: int) -> None:
        if pid != self.pid:
            logger.info("adopting the running Caddy (pid %d)", pid)
        self.pid = pid

    def _spawn(self) -> int:
        self._prepare_directories()
        with self.paths.logfile.open("ab") as log:
            child = subprocess.Popen(  # noqa: S603 - an argument list, our own binary
                [self.binary, "run", "--resume", "--pidfile", str(self.paths.pidfile)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=self._environment(),
                cwd=self.paths.home,
                start_new_session=True,
            )
        self._child, self.pid = child, child.pid
        self._wait_ready(child)
        logger.info("started Caddy (pid %d)", child.pid)
        return child.pid

    def _prepare_directories(self) -> None:
        for directory in (self.paths.run_dir, self.paths.config_home, self.paths.data_home):
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Nobody answers on it (we looked, under the lock): Caddy cannot listen while the
        # socket file of a dead predecessor is still there.
        with contextlib.suppress(FileNotFoundError):
            self.paths.admin_socket.unlink()
        log = self.paths.logfile
        if log.exists() and log.stat().st_size > MAX_LOG_BYTES:
            log.replace(log.with_suffix(".log.1"))

    def _environment(self) -> dict[str, str]:
        """Only what Caddy needs: none of MACHETE's secrets from its environment."""
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.paths.home),
            "XDG_CONFIG_HOME": str(self.paths.config_home),
            "XDG_DATA_HOME": str(self.paths.data_home),
            # Where the admin endpoint goes before a configuration names it (first start).
            "CADDY_ADMIN": self._admin_listen,
        }

    def _wait_ready(self, child: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + self._ready_timeout
        while time.monotonic() < deadline:
            if child.poll() is not None:
                raise CaddyStartFailed(f"Caddy exited at start: {self.log_tail()}")
            if self._answers_within(0.5):
                return
            time.sleep(0.05)
        kill_and_wait(child.pid, timeout_seconds=2.0, child=child)
        raise CaddyStartFailed(
            f"Caddy did not answer within {self._ready_timeout:g}s: {self.log_tail()}"
        )

    def _answers_within(self, timeout_seconds: float) -> bool:
        return socket_answers(self.paths.admin_socket, timeout_seconds)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.paths.run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        # The pidfile, the admin socket and the log are trusted from here on.
        if (problem := private_directory_problem(self.paths.run_dir)) is not None:
            raise CaddyStartFailed(f"the gateway's run directory is not private: {problem}")
        with self.paths.lockfile.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

"""The git processes of one checkout: one workspace, one environment, one deadline."""

from __future__ import annotations

import asyncio
import threading
import time
from functools import partial

import git

from domain.builds.model import LogStream
from domain.checkouts import SourceSpec
from domain.containers import LogSink
from domain.errors import ErrorCode, SourceError
from domain.tools.source import is_local_url
from infra.git.environment import Workspace, git_environment
from infra.git.process import GitLimits, run_git
from infra.git.redaction import scrub
from infra.git.threads import run_until_done


class GitSession:
    def __init__(
        self,
        source: SourceSpec,
        workspace: Workspace,
        on_line: LogSink,
        *,
        timeout_seconds: float,
        max_size_bytes: int,
    ) -> None:
        self.source = source
        self.workspace = workspace
        self._on_line = on_line
        self._loop = asyncio.get_running_loop()
        self._environment = git_environment(
            workspace, allow_file_protocol=is_local_url(source.repo_url)
        )
        # One deadline for every step, so a slow fetch leaves less time for the checkout.
        self._deadline = time.monotonic() + timeout_seconds
        self._max_size_bytes = max_size_bytes

    async def run(self, *args: str) -> str:
        """`git <args>` in the working tree; raises GitFailed or GitStopped (see process)."""
        limits = GitLimits(
            deadline=self._deadline,
            max_bytes=self._max_size_bytes,
            measured_dir=self.workspace.root,
            stop=threading.Event(),
        )
        work = partial(
            run_git,
            list(args),
            cwd=self.workspace.repo,
            env=self._environment,
            limits=limits,
            on_stderr=self._forward_stderr,
        )
        try:
            return await run_until_done(work, limits.stop)
        except git.GitCommandNotFound:
            raise SourceError(
                "git is not installed on this server", code=ErrorCode.REPOSITORY_UNREACHABLE
            ) from None

    def _forward_stderr(self, line: str) -> None:
        # Called on git's reader thread; the sink must be called on the event loop's thread.
        safe = scrub(line, self.source.repo_url)
        self._loop.call_soon_threadsafe(self._on_line, LogStream.STDERR, safe)

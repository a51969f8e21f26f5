"""Git behind the `SourceControl` port, through GitPython (which runs git as argument lists).

Each checkout fetches exactly one commit (`--depth 1`, no tags, no submodules) into a fresh
workspace that is removed when the context exits, whatever the outcome.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import git

from domain.builds.model import LogStream
from domain.checkouts import Checkout, SourceSpec
from domain.containers import LogSink
from domain.errors import ErrorCode, SourceError
from domain.tools.source import display_url, validate_source
from infra.git.environment import Workspace
from infra.git.failures import checkout_failure, fetch_failure, stopped_failure
from infra.git.process import GitFailed, GitStopped
from infra.git.session import GitSession
from infra.git.threads import run_until_done

MIB = 2**20


class GitPythonSourceControl:
    def __init__(
        self,
        workspaces_dir: Path | None = None,
        timeout_seconds: float = 120,
        max_size_bytes: int = 500 * MIB,
    ) -> None:
        self._workspaces_dir = workspaces_dir
        self._timeout_seconds = timeout_seconds
        self._max_size_bytes = max_size_bytes

    async def client_version(self) -> str | None:
        return await asyncio.to_thread(self._client_version)

    @staticmethod
    def _client_version() -> str | None:
        try:
            return ".".join(str(part) for part in git.Git().version_info)
        except (git.GitCommandError, git.GitCommandNotFound, OSError):
            return None

    @asynccontextmanager
    async def checkout(self, source: SourceSpec, on_line: LogSink) -> AsyncIterator[Checkout]:
        # Checked again here (local URLs allowed: that policy is the caller's) so that no spec
        # built by hand can smuggle an option or a transport helper into git's arguments.
        source = validate_source(source.repo_url, source.ref, source.subdir, allow_local=True)
        workspace = self._new_workspace()
        try:
            session = GitSession(
                source,
                workspace,
                on_line,
                timeout_seconds=self._timeout_seconds,
                max_size_bytes=self._max_size_bytes,
            )
            yield await self._fetch(session, on_line)
        finally:
            await run_until_done(partial(shutil.rmtree, workspace.root, ignore_errors=True))

    def _new_workspace(self) -> Workspace:
        if self._workspaces_dir is not None:
            self._workspaces_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        root = Path(tempfile.mkdtemp(prefix="checkout-", dir=self._workspaces_dir))  # 0700
        workspace = Workspace(root)
        workspace.home.mkdir(mode=0o700)
        workspace.repo.mkdir(mode=0o700)
        return workspace

    async def _fetch(self, session: GitSession, on_line: LogSink) -> Checkout:
        source = session.source
        ref = source.ref or "HEAD"
        shown_ref = source.ref or "default branch"
        on_line(LogStream.SYSTEM, f"Fetching {display_url(source.repo_url)} (ref {shown_ref})")
        try:
            await session.run("init", "--quiet", "--template=")
            await session.run("config", "--end-of-options", "remote.origin.url", source.repo_url)
            await self._fetch_ref(session, ref)
            await session.run("checkout", "--quiet", "--detach", "FETCH_HEAD")
            commit_sha = (await session.run("rev-parse", "--verify", "HEAD")).strip()
        except GitStopped as stopped:
            raise stopped_failure(
                stopped.reason, source, timeout=self._timeout_seconds, cap=self._max_size_bytes
            ) from None
        except GitFailed as failure:
            raise checkout_failure(failure, source) from None
        directory = resolve_subdir(session.workspace.repo, source.subdir)
        # .git holds the fetch URL (credentials included) and is no part of the tool: it must
        # never reach the image build's context.
        await run_until_done(partial(shutil.rmtree, session.workspace.repo / ".git"))
        on_line(LogStream.SYSTEM, f"Checked out {commit_sha}")
        return Checkout(commit_sha=commit_sha, directory=directory)

    @staticmethod
    async def _fetch_ref(session: GitSession, ref: str) -> None:
        # "+" starts every refspec so a ref that itself begins with "+" is taken literally.
        fetch = ["fetch", "--depth", "1", "--no-tags", "--no-recurse-submodules"]
        try:
            await session.run(*fetch, "--end-of-options", "origin", f"+{ref}")
        except GitFailed as failure:
            raise fetch_failure(failure, session.source) from None


def resolve_subdir(root: Path, subdir: str | None) -> Path:
    """The tool's directory: `subdir` of the checkout, symlinks resolved, never outside it."""
    real_root = root.resolve()
    if not subdir:
        return real_root
    candidate = (real_root / subdir).resolve()
    inside = candidate.is_relative_to(real_root) and not candidate.is_relative_to(
        real_root / ".git"
    )
    if not inside or not candidate.is_dir():
        raise SourceError(
            f"The directory {subdir!r} does not exist in the repository",
            code=ErrorCode.SUBDIR_NOT_FOUND,
        )
    return candidate

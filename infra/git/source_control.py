"""Git behind the `SourceControl` port, through GitPython (which runs git as argument lists)."""

from __future__ import annotations

import asyncio

import git


class GitPythonSourceControl:
    async def client_version(self) -> str | None:
        return await asyncio.to_thread(self._client_version)

    @staticmethod
    def _client_version() -> str | None:
        try:
            return ".".join(str(part) for part in git.Git().version_info)
        except (git.GitCommandError, git.GitCommandNotFound, OSError):
            return None

"""Ports to where tools come from: the repository, and the manifest in it."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Protocol

from domain.checkouts import Checkout, SourceSpec
from domain.containers import LogSink
from domain.manifest.model import Manifest


class SourceControl(Protocol):
    async def client_version(self) -> str | None: ...

    def checkout(
        self, source: SourceSpec, on_line: LogSink
    ) -> AbstractAsyncContextManager[Checkout]:
        """Fetch the source into a fresh workspace that is removed when the context exits.

        Raises `SourceError` with REPOSITORY_UNREACHABLE, REF_NOT_FOUND, SUBDIR_NOT_FOUND,
        CLONE_TIMEOUT or REPOSITORY_TOO_LARGE; never echoes credentials from the URL.
        """
        ...


class ManifestLoader(Protocol):
    def load(self, directory: Path) -> Manifest:
        """Read and validate `machete.yml` next to a `Dockerfile` in `directory`.

        Raises `ManifestError` (MANIFEST_MISSING / DOCKERFILE_MISSING) or `ValidationFailed`
        whose problems are `ManifestProblem`s, every problem at once.
        """
        ...

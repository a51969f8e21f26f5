"""Ports to the outside world a tool depends on: engine, git, files, network."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from typing import Protocol

from domain.manifest.model import Manifest, Volume
from domain.runtime.model import (
    Checkout,
    ContainerOutput,
    ContainerSpec,
    ContainerState,
    HealthResult,
    ImageBuild,
    LogSink,
    Mount,
    NetworkMode,
    SourceSpec,
)


class DatabaseProbe(Protocol):
    dialect: str

    async def is_reachable(self) -> bool: ...


class ContainerEngine(Protocol):
    """Images and containers. Every method raises `EngineError` (ENGINE_UNAVAILABLE when the
    engine cannot be reached); "missing" is never an error for stop/remove."""

    async def engine_version(self) -> str | None:
        """The engine's version, or None when the engine cannot be reached."""
        ...

    async def network_mode(self) -> NetworkMode:
        """The mode tools run in (the setting, with `auto` resolved against the engine)."""
        ...

    async def build_image(self, build: ImageBuild, on_line: LogSink) -> str:
        """Build and tag the image, streaming output line by line; return the image id.

        A failing step raises `EngineError(IMAGE_BUILD_FAILED)` naming the step's error.
        Cancelling the awaiting task aborts the build within seconds and removes every layer
        this build created before `CancelledError` propagates.
        """
        ...

    async def image_exists(self, tag: str) -> bool: ...
    async def run_container(self, spec: ContainerSpec) -> str:
        """Create and start the container (replacing one of the same name); return its id."""
        ...

    async def start_container(self, name: str) -> None: ...
    async def stop_container(self, name: str, timeout_seconds: int = 10) -> None: ...
    async def remove_container(self, name: str) -> None: ...
    async def container_state(self, name: str) -> ContainerState | None: ...
    def follow_output(
        self, name: str, *, tail: int | None, since: datetime | None = None
    ) -> AsyncGenerator[list[ContainerOutput], None]:
        """The container's stdout and stderr, merged in time order, in batches (what came
        within ~100 ms, at most a few hundred lines): first its last `tail` lines (every line
        when None), then new ones as it prints them; ends when the container stops or is
        removed. With `since`, only lines stamped at or after it (to the microsecond; the
        engine leaves the older ones out itself). Raises `NotFound` when there is no such
        container.

        Closing the iterator early (aclose, break, a cancelled task) releases everything it
        holds on the engine.
        """
        ...

    async def remove_image(self, tag: str) -> None: ...
    async def remove_tool_images(self, tool_name: str) -> None:
        """Remove every image labelled as this tool's."""
        ...


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


class ToolFiles(Protocol):
    """Each tool's own data directory, where its manifest volumes live."""

    def mounts_for(self, tool_name: str, volumes: tuple[Volume, ...]) -> tuple[Mount, ...]:
        """Create the volumes' directories; refuse (ManifestError VOLUME_NOT_ALLOWED) any path
        that would leave the tool's directory, symlinks included."""
        ...

    def remove(self, tool_name: str) -> None: ...
    def exists(self, tool_name: str) -> bool: ...


class HealthProbe(Protocol):
    async def check(self, url: str, timeout_seconds: float) -> HealthResult: ...


class PortProbe(Protocol):
    def is_free(self, port: int) -> bool:
        """True when nothing listens on this loopback port right now."""
        ...

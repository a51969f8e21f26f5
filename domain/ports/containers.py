"""Ports to the container host: the engine that builds and runs tools, and probes of what runs."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Protocol

from domain.containers import (
    ContainerOutput,
    ContainerSpec,
    ContainerState,
    HealthResult,
    ImageBuild,
    LogSink,
    NetworkMode,
)


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
    async def rename_container(self, name: str, new_name: str) -> None:
        """Give the container another name (no other container may hold it); the container
        keeps running. Raises `EngineError(CONFLICT)` when there is no container `name`."""
        ...

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


class HealthProbe(Protocol):
    async def check(self, url: str, timeout_seconds: float) -> HealthResult: ...


class PortProbe(Protocol):
    def is_free(self, port: int) -> bool:
        """True when nothing listens on this loopback port right now."""
        ...

"""Docker behind the `ContainerEngine` port; docker-py blocks, so calls run in threads."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncGenerator, Callable
from datetime import datetime
from typing import Any, TypeVar

import docker
from docker.errors import DockerException
from docker.utils import kwargs_from_env
from requests.exceptions import RequestException

from domain.containers import (
    ContainerOutput,
    ContainerSpec,
    ContainerState,
    ImageBuild,
    LogSink,
    NetworkMode,
)
from domain.errors import ErrorCode
from infra.docker import container_output, containers, images
from infra.docker.build_cancel import loop_emitter, run_build, validate_build
from infra.docker.error_mapping import engine_errors
from infra.docker.image_build import BuildSession, remove_build_leftovers

logger = logging.getLogger(__name__)
PROBE_TIMEOUT_SECONDS = 5
CALL_TIMEOUT_SECONDS = 60
NETWORK_MODES = ("auto", "bridge", "host")
T = TypeVar("T")


class DockerContainerEngine:
    def __init__(self, base_url: str | None = None, network_mode: str = "auto") -> None:
        if network_mode not in NETWORK_MODES:
            raise ValueError(f"network_mode must be one of {', '.join(NETWORK_MODES)}")
        self._base_url = base_url
        self._network_mode = None if network_mode == "auto" else NetworkMode(network_mode)
        self._shared: docker.DockerClient | None = None
        self._shared_lock = threading.Lock()

    def _connection_kwargs(self) -> dict[str, Any]:
        return {"base_url": self._base_url} if self._base_url else {**kwargs_from_env()}

    def _client(self) -> docker.DockerClient:
        return docker.DockerClient(**self._connection_kwargs(), timeout=PROBE_TIMEOUT_SECONDS)

    def close(self) -> None:
        """Release the shared client's connections (on shutdown)."""
        with self._shared_lock:
            if self._shared is not None:
                self._shared.close()
                self._shared = None

    def _shared_client(self) -> docker.DockerClient:
        """One client for ordinary calls, made on first use (and retried while unreachable)."""
        with self._shared_lock:
            if self._shared is None:
                kwargs = self._connection_kwargs()
                self._shared = docker.DockerClient(**kwargs, timeout=CALL_TIMEOUT_SECONDS)
            return self._shared

    async def _call(
        self, action: str, code: ErrorCode, work: Callable[[docker.DockerClient], T]
    ) -> T:
        def blocking() -> T:
            with engine_errors(action, code):
                return work(self._shared_client())

        # A cancelled caller still waits for the call to end, so nothing it started (a container
        # being created, say) can appear after the caller has cleaned up.
        call = asyncio.ensure_future(asyncio.to_thread(blocking))
        try:
            return await asyncio.shield(call)
        except asyncio.CancelledError:
            while not call.done():  # even through repeated cancels
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.shield(call)
            raise

    async def engine_version(self) -> str | None:
        return await asyncio.to_thread(self._engine_version)

    def _engine_version(self) -> str | None:
        try:
            client = self._client()
            try:
                return str(client.version().get("Version")) or None
            finally:
                client.close()
        except (DockerException, RequestException, OSError) as error:
            logger.debug("docker engine unreachable: %s", error)
            return None

    async def network_mode(self) -> NetworkMode:
        if self._network_mode is None:
            usable = await self._call(
                "list networks", ErrorCode.ENGINE_UNAVAILABLE, containers.has_default_bridge
            )
            self._network_mode = NetworkMode.BRIDGE if usable else NetworkMode.HOST
        return self._network_mode

    async def build_image(self, build: ImageBuild, on_line: LogSink) -> str:
        validate_build(build)

        def prepare(client: docker.DockerClient) -> tuple[docker.APIClient, bool]:
            # A client of its own, so aborting this build's socket touches nothing else.
            api = docker.APIClient(
                **self._connection_kwargs(),
                version=client.api.api_version,
                timeout=CALL_TIMEOUT_SECONDS,
            )
            return api, images.exists(client, build.tag)

        api, tag_existed = await self._call("build images", ErrorCode.ENGINE_UNAVAILABLE, prepare)
        session = BuildSession(api, build, loop_emitter(on_line))

        def cleanup(cancelled: bool) -> None:
            tag = build.tag if cancelled and not tag_existed else None
            remove_build_leftovers(api, session.output, tag)

        try:
            return await run_build(session, cleanup)
        finally:
            api.close()

    async def image_exists(self, tag: str) -> bool:
        return await self._call(
            "inspect the image", ErrorCode.ENGINE_UNAVAILABLE, lambda c: images.exists(c, tag)
        )

    async def run_container(self, spec: ContainerSpec) -> str:
        return await self._call(
            "start the container",
            ErrorCode.CONTAINER_START_FAILED,
            lambda client: containers.replace_and_start(client, spec),
        )

    async def start_container(self, name: str) -> None:
        await self._call(
            "start the container",
            ErrorCode.CONTAINER_START_FAILED,
            lambda client: containers.start(client, name),
        )

    async def stop_container(self, name: str, timeout_seconds: int = 10) -> None:
        await self._call(
            "stop the container",
            ErrorCode.CONFLICT,
            lambda client: containers.stop(client, name, timeout_seconds),
        )

    async def remove_container(self, name: str) -> None:
        await self._call(
            "remove the container", ErrorCode.CONFLICT, lambda c: containers.remove(c, name)
        )

    async def rename_container(self, name: str, new_name: str) -> None:
        await self._call(
            "rename the container",
            ErrorCode.CONFLICT,
            lambda client: containers.rename(client, name, new_name),
        )

    async def container_state(self, name: str) -> ContainerState | None:
        return await self._call(
            "inspect the container",
            ErrorCode.ENGINE_UNAVAILABLE,
            lambda client: containers.state(client, name),
        )

    def follow_output(
        self, name: str, *, tail: int | None, since: datetime | None = None
    ) -> AsyncGenerator[list[ContainerOutput], None]:
        return container_output.follow(
            self._shared_client, self._connection_kwargs(), name, tail, since
        )

    async def remove_image(self, tag: str) -> None:
        await self._call("remove the image", ErrorCode.CONFLICT, lambda c: images.remove(c, tag))

    async def remove_tool_images(self, tool_name: str) -> None:
        await self._call(
            "remove the tool's images",
            ErrorCode.CONFLICT,
            lambda client: images.remove_labelled(client, tool_name),
        )

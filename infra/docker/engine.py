"""Docker behind the `ContainerEngine` port; docker-py blocks, so calls run in threads."""

from __future__ import annotations

import asyncio
import logging

import docker
from docker.errors import DockerException
from requests.exceptions import RequestException

logger = logging.getLogger(__name__)
PROBE_TIMEOUT_SECONDS = 5


class DockerContainerEngine:
    def __init__(self, base_url: str | None = None) -> None:
        self._base_url = base_url

    def _client(self) -> docker.DockerClient:
        if self._base_url:
            return docker.DockerClient(base_url=self._base_url, timeout=PROBE_TIMEOUT_SECONDS)
        return docker.from_env(timeout=PROBE_TIMEOUT_SECONDS)

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

"""Tiny busybox images for Docker adapter tests, and cleanup that touches only what a test made."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import docker
import httpx
from docker.errors import APIError, DockerException, NotFound

from domain.builds.model import LogStream
from domain.containers import TOOL_LABEL, image_tag, labels_for
from tests.fixtures.repos import BUSYBOX
from tests.services import unavailable

BUSYBOX_BASE = """FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
"""
SERVE = 'CMD ["sh", "-c", "exec httpd -f -p 127.0.0.1:$PORT -h /www"]\n'


def unique_tool_name(prefix: str = "engine-test") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def docker_client_or_unavailable() -> docker.DockerClient:
    if not BUSYBOX.exists():
        unavailable("Docker (busybox-static for test images)")
    try:
        client = docker.from_env(timeout=30)
        client.ping()
    except DockerException:
        unavailable("Docker")
        raise
    return client


def build_context(root: Path, steps: str) -> Path:
    """A build context holding busybox and a Dockerfile of the busybox base plus `steps`."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(BUSYBOX, root / "busybox")
    (root / "Dockerfile").write_text(BUSYBOX_BASE + steps)
    return root


class LineRecorder:
    """A LogSink that keeps what it is given, in order."""

    def __init__(self) -> None:
        self.lines: list[tuple[LogStream, str]] = []

    def __call__(self, stream: LogStream, line: str) -> None:
        self.lines.append((stream, line))

    def texts(self) -> list[str]:
        return [line for _, line in self.lines]

    def created_layer_ids(self) -> list[str]:
        """Image ids the build printed (` ---> <id>`) that were not taken from the cache."""
        texts = self.texts()
        return [
            line.removeprefix(" ---> ")
            for index, line in enumerate(texts)
            if re.fullmatch(r" ---> [0-9a-f]{12}", line)
            and (index == 0 or texts[index - 1] != " ---> Using cache")
        ]

    def step_containers(self) -> list[str]:
        return [line.split()[-1] for line in self.texts() if line.startswith(" ---> Running in ")]


def remove_layers(client: docker.DockerClient, layer_ids: list[str]) -> None:
    """Layers a test build created, newest first; never forced, so shared ones stay."""
    for layer in reversed(layer_ids):
        with suppress(NotFound, APIError):
            client.api.remove_image(layer, noprune=True)


def tool_build_labels(tool_name: str) -> tuple[str, dict[str, str]]:
    return image_tag(tool_name, 1), labels_for(tool_name, str(uuid.uuid4()))


def remove_tool_artifacts(client: docker.DockerClient, tool_name: str) -> None:
    """Containers and images labelled with this test tool's name; nothing else."""
    label = {"label": f"{TOOL_LABEL}={tool_name}"}
    for container in client.api.containers(all=True, filters=label):
        with suppress(NotFound):
            client.api.remove_container(container["Id"], force=True)
    for image in client.api.images(filters=label):
        with suppress(NotFound, APIError):
            client.api.remove_image(image["Id"], force=True)


def image_present(client: docker.DockerClient, reference: str) -> bool:
    try:
        client.api.inspect_image(reference)
    except NotFound:
        return False
    return True


def container_present(client: docker.DockerClient, reference: str) -> bool:
    try:
        client.api.inspect_container(reference)
    except NotFound:
        return False
    return True


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def get_when_served(url: str, attempts: int = 50) -> httpx.Response:
    """GET a loopback URL, retrying while the server is still starting."""
    async with httpx.AsyncClient(timeout=1.0) as http:
        for _ in range(attempts):
            try:
                return await http.get(url)
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"nothing answered on {url}")


async def refused(url: str) -> bool:
    async with httpx.AsyncClient(timeout=1.0) as http:
        try:
            await http.get(url)
        except httpx.TransportError:
            return True
    return False


@contextmanager
def removed_afterwards(client: docker.DockerClient, *tool_names: str) -> Iterator[None]:
    try:
        yield
    finally:
        for name in tool_names:
            remove_tool_artifacts(client, name)

"""What the application output tests share: busybox containers running a script, waiting for
what they print, a tool row to follow, and an engine that counts the lines it reads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import UTC, datetime

import docker

from domain.containers import ContainerOutput, container_name, labels_for
from domain.tools.model import Tool
from infra.bootstrap import Application
from infra.docker.engine import DockerContainerEngine

GUARD_SECONDS = 30  # hang guards, not speed requirements
Feed = AsyncGenerator[list[ContainerOutput], None]


def run(
    client: docker.DockerClient,
    image: str,
    tool: str,
    script: str,
    tty: bool = False,
    restart_policy: str | None = None,
) -> str:
    """Create and start the tool's application running `script`; returns its name."""
    name = container_name(tool)
    host_config = client.api.create_host_config(
        restart_policy={"Name": restart_policy} if restart_policy else None
    )
    created = client.api.create_container(
        image,
        ["sh", "-c", script],
        name=name,
        labels=labels_for(tool, "build"),
        tty=tty,
        host_config=host_config,
    )
    client.api.start(created["Id"])
    return name


async def printed(client: docker.DockerClient, name: str, text: str) -> None:
    """Wait until the application has printed `text` (asking docker directly)."""
    deadline = asyncio.get_running_loop().time() + GUARD_SECONDS
    while text.encode() not in await asyncio.to_thread(client.api.logs, name):
        assert asyncio.get_running_loop().time() < deadline, f"{name} never printed {text!r}"
        await asyncio.sleep(0.05)


async def collect(feed: Feed, count: int) -> list[ContainerOutput]:
    """Batches until at least `count` lines came (or the feed ended)."""
    lines: list[ContainerOutput] = []
    async with asyncio.timeout(GUARD_SECONDS):
        async for batch in feed:
            lines.extend(batch)
            if len(lines) >= count:
                break
    return lines


async def add_tool(application: Application, tool_name: str) -> Tool:
    """A tool row for the output feed to look up (nothing else about it is needed)."""
    now = datetime.now(UTC)
    tool = Tool(tool_name, "https://git.example.com/t.git", None, None, 23456, now, now)
    async with application.unit_of_work() as work:
        await work.tools.add(tool)
        await work.commit()
    return tool


class CountingEngine(DockerContainerEngine):
    """The real engine, noting each follow of the output and how many lines it read."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[int] = []
        self.since: list[datetime | None] = []

    async def follow_output(
        self, name: str, *, tail: int | None, since: datetime | None = None
    ) -> Feed:
        self.since.append(since)
        self.reads.append(0)
        follow = len(self.reads) - 1
        async with aclosing(super().follow_output(name, tail=tail, since=since)) as lines:
            async for batch in lines:
                self.reads[follow] += len(batch)
                yield batch

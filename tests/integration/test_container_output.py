"""Following a container's output on the real Docker engine, and a tool's output through the
composition root (real database, real engine) across a restart and a replacement."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import docker
import pytest

from domain.builds.model import LogStream
from domain.containers import ContainerOutput, ImageBuild, container_name
from domain.errors import EngineError, ErrorCode, NotFound
from domain.tools.model import Tool
from infra.bootstrap import Application
from infra.db.engine import create_session_factory
from infra.db.unit_of_work import SqlAlchemyUnitOfWork
from infra.docker.engine import DockerContainerEngine
from tests.integration.docker_helpers import (
    LineRecorder,
    build_context,
    docker_client_or_unavailable,
    removed_afterwards,
    tool_build_labels,
    unique_tool_name,
)
from tests.integration.output_helpers import GUARD_SECONDS, collect, printed, run

pytestmark = pytest.mark.docker
OUT, ERR = LogStream.STDOUT, LogStream.STDERR


@pytest.fixture(scope="module")
def client() -> Iterator[docker.DockerClient]:
    docker_client = docker_client_or_unavailable()
    yield docker_client
    docker_client.close()


@pytest.fixture(scope="module")
def engine(client: docker.DockerClient) -> DockerContainerEngine:
    return DockerContainerEngine()


@pytest.fixture(scope="module")
async def image(
    client: docker.DockerClient,
    engine: DockerContainerEngine,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[str]:
    """A busybox image (no command of its own: each test's application brings a script)."""
    name = unique_tool_name("output-test")
    tag, labels = tool_build_labels(name)
    context = build_context(tmp_path_factory.mktemp("output"), "")
    with removed_afterwards(client, name):
        await engine.build_image(ImageBuild(context, tag, labels), LineRecorder())
        yield tag


@pytest.fixture
def tool_name(client: docker.DockerClient) -> Iterator[str]:
    """A tool name of this test's own; its containers are removed afterwards."""
    name = unique_tool_name("output-test")
    with removed_afterwards(client, name):
        yield name


def seen(lines: list[ContainerOutput]) -> list[tuple[LogStream, str]]:
    return [(line.stream, line.text) for line in lines]


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


async def test_the_tail_is_the_last_lines_of_both_streams_in_the_order_printed(
    client: docker.DockerClient, engine: DockerContainerEngine, image: str, tool_name: str
) -> None:
    script = (
        'for i in 1 2 3 4 5 6; do echo "out $i"; sleep 0.1; echo "err $i" >&2; sleep 0.1; done;'
        " echo done; exec sleep 600"
    )
    name = run(client, image, tool_name, script)
    await printed(client, name, "done")
    feed = engine.follow_output(name, tail=4)
    lines = await collect(feed, 4)
    await feed.aclose()
    assert seen(lines) == [(ERR, "err 5"), (OUT, "out 6"), (ERR, "err 6"), (OUT, "done")]
    stamps = [line.timestamp for line in lines]
    assert stamps == sorted(stamps) and all(stamp.tzinfo == UTC for stamp in stamps)
    assert abs((datetime.now(UTC) - stamps[-1]).total_seconds()) < 600


async def test_live_lines_follow_the_tail_without_gaps_or_repeats(
    client: docker.DockerClient, engine: DockerContainerEngine, image: str, tool_name: str
) -> None:
    script = (
        'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.1;'
        ' echo "tock $i" >&2; sleep 0.1; done'
    )
    name = run(client, image, tool_name, script)
    await printed(client, name, "tock 2")
    feed = engine.follow_output(name, tail=1)
    lines = await collect(feed, 10)
    await feed.aclose()
    first = int(lines[0].text.split()[1])
    expected = [
        pair for n in range(first, first + 6) for pair in ((OUT, f"tick {n}"), (ERR, f"tock {n}"))
    ]
    if lines[0].stream is ERR:  # the tail was a tock: its tick came before
        expected = expected[1:]
    assert seen(lines) == expected[: len(lines)]


async def test_closing_a_feed_early_leaves_no_thread_nor_connection_and_the_engine_works_on(
    client: docker.DockerClient, engine: DockerContainerEngine, image: str, tool_name: str
) -> None:
    # Quiet after one line: only cutting the stream can wake its reader.
    name = run(client, image, tool_name, "echo tick; exec sleep 600")
    await printed(client, name, "tick")
    assert await engine.container_state(name) is not None  # the shared client is connected
    threads, descriptors = set(threading.enumerate()), open_descriptors()
    feed = engine.follow_output(name, tail=1)
    assert [line.text for line in await anext(feed)] == ["tick"]
    assert len(set(threading.enumerate()) - threads) == 1  # its reader
    await feed.aclose()
    assert set(threading.enumerate()) <= threads
    assert threading.active_count() <= len(threads)
    assert open_descriptors() <= descriptors

    async def read_forever() -> None:
        async for _ in engine.follow_output(name, tail=1):
            pass

    reader = asyncio.ensure_future(read_forever())
    await asyncio.sleep(0.5)
    reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reader
    assert set(threading.enumerate()) <= threads
    assert open_descriptors() <= descriptors
    state = await engine.container_state(name)
    assert state is not None and state.running
    again = engine.follow_output(name, tail=1)
    assert [line.text for line in await anext(again)] == ["tick"]
    await again.aclose()


async def test_following_a_missing_container_is_not_found(engine: DockerContainerEngine) -> None:
    with pytest.raises(NotFound):
        await anext(engine.follow_output(container_name(unique_tool_name()), tail=10))


async def test_the_feed_ends_when_the_container_stops_or_is_removed(
    client: docker.DockerClient, engine: DockerContainerEngine, image: str, tool_name: str
) -> None:
    name = run(client, image, tool_name, "echo started; exec sleep 600")
    await printed(client, name, "started")
    async with asyncio.timeout(GUARD_SECONDS):
        feed = engine.follow_output(name, tail=None)
        assert [line.text for line in await anext(feed)] == ["started"]
        await engine.stop_container(name, timeout_seconds=0)
        assert [batch async for batch in feed] == []
        await engine.start_container(name)
        feed = engine.follow_output(name, tail=0)
        pending = asyncio.ensure_future(anext(feed))
        await asyncio.sleep(0.5)  # let it connect before the application goes
        await engine.remove_container(name)
        with pytest.raises(StopAsyncIteration):
            await pending


async def test_lines_are_capped_decoded_leniently_and_joined_when_docker_splits_them(
    client: docker.DockerClient, engine: DockerContainerEngine, image: str, tool_name: str
) -> None:
    # Docker splits lines over 16 KiB into several messages; CRLF and bad UTF-8 pass through.
    script = (
        'head -c 20000 /dev/zero | tr "\\0" x; echo; printf "caf\\303\\251 \\377 bad\\n";'
        ' printf "crlf\\r\\n"; echo last; exec sleep 600'
    )
    name = run(client, image, tool_name, script)
    await printed(client, name, "last")
    feed = engine.follow_output(name, tail=None)
    lines = await collect(feed, 4)
    await feed.aclose()
    assert [line.text for line in lines] == ["x" * 8192, "café \ufffd bad", "crlf", "last"]


async def test_a_tty_container_has_all_its_output_on_stdout(
    client: docker.DockerClient, engine: DockerContainerEngine, image: str, tool_name: str
) -> None:
    name = run(client, image, tool_name, "echo one; echo two >&2; exec sleep 600", tty=True)
    await printed(client, name, "two")
    feed = engine.follow_output(name, tail=None)
    lines = await collect(feed, 2)
    await feed.aclose()
    assert seen(lines) == [(OUT, "one"), (OUT, "two")]


async def test_an_unreachable_engine_is_engine_unavailable(tmp_path: Path) -> None:
    unreachable = DockerContainerEngine(base_url=f"unix://{tmp_path}/no-such.sock")
    with pytest.raises(EngineError) as failure:
        await anext(unreachable.follow_output("machete-anything", tail=1))
    assert failure.value.code is ErrorCode.ENGINE_UNAVAILABLE


# A tool's output through the composition root: the real database and engine.

COUNTING_RUN = (
    'n=$(($(cat /runs 2>/dev/null || echo 0) + 1)); echo $n > /runs; echo "run $n"; exec sleep 600'
)


async def test_a_tools_output_follows_a_restart_and_a_new_container_then_ends_with_the_tool(
    client: docker.DockerClient, application: Application, image: str, tool_name: str
) -> None:
    uow = create_session_factory(application.database)
    now = datetime.now(UTC)
    tool = Tool(tool_name, "https://git.example.com/t.git", None, None, 23456, now, now)
    async with SqlAlchemyUnitOfWork(uow) as work:
        await work.tools.add(tool)
        await work.commit()
    name = run(client, image, tool_name, COUNTING_RUN)
    await printed(client, name, "run 1")
    feed = application.services.output.follow(tool.id, 10)
    async with asyncio.timeout(GUARD_SECONDS):
        assert [line.text for line in await anext(feed)] == ["run 1"]
        await application.resources.docker.stop_container(name, timeout_seconds=0)
        await application.resources.docker.start_container(
            name
        )  # the same application: its log goes on
        assert [line.text for line in await anext(feed)] == ["run 2"]
        await application.resources.docker.remove_container(name)
        run(client, image, tool_name, COUNTING_RUN)  # a new application: a new log
        assert [line.text for line in await anext(feed)] == ["run 1"]
        async with SqlAlchemyUnitOfWork(uow) as work:
            await work.tools.delete(tool)
            await work.commit()
        await application.resources.docker.remove_container(name)
        assert [batch async for batch in feed] == []

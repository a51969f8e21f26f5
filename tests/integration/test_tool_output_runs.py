"""A tool's output across the runs of its application, on the real Docker engine and database:
a restart reads only what is new, a crash loop shows each run once, and runs started by hand
that end alike between two looks are all shown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator

import docker
import pytest

from domain.containers import ContainerOutput, ContainerState, ImageBuild, container_name
from domain.tools.output import ToolOutput
from infra.bootstrap import Application
from tests.integration.docker_helpers import (
    LineRecorder,
    build_context,
    docker_client_or_unavailable,
    removed_afterwards,
    tool_build_labels,
    unique_tool_name,
)
from tests.integration.output_helpers import (
    GUARD_SECONDS,
    CountingEngine,
    Feed,
    add_tool,
    collect,
    run,
)

pytestmark = pytest.mark.docker
POLL_SECONDS = 0.2
HISTORY_LINES = 20_000
COUNT_RUNS = "n=$(($(cat /runs 2>/dev/null || echo 0) + 1)); echo $n > /runs;"
# The first run leaves a long history behind; the second prints one line.
HISTORY_THEN_ONE_LINE = (
    f'if [ -f /runs ]; then echo "second run"; exit 0; fi; {COUNT_RUNS}'
    # The pause keeps the history out of the newest line's microsecond, which a restart's
    # `since` includes.
    f' seq 1 {HISTORY_LINES}; sleep 0.01; echo "first run"'
)
CRASHING_RUN = f'{COUNT_RUNS} seq 1 1000; echo "run $n"; exit 3'
QUICK_FAILING_RUN = f'{COUNT_RUNS} echo "run $n"; exit 1'


@pytest.fixture(scope="module")
def client() -> Iterator[docker.DockerClient]:
    docker_client = docker_client_or_unavailable()
    yield docker_client
    docker_client.close()


@pytest.fixture(scope="module")
def engine(client: docker.DockerClient) -> Iterator[CountingEngine]:
    counting = CountingEngine()
    yield counting
    counting.close()


@pytest.fixture(scope="module")
async def image(
    client: docker.DockerClient, engine: CountingEngine, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    name = unique_tool_name("output-runs")
    tag, labels = tool_build_labels(name)
    context = build_context(tmp_path_factory.mktemp("output-runs"), "")
    with removed_afterwards(client, name):
        await engine.build_image(ImageBuild(context, tag, labels), LineRecorder())
        yield tag


@pytest.fixture
def tool_name(client: docker.DockerClient, engine: CountingEngine) -> Iterator[str]:
    """A tool name of this test's own (its containers are removed afterwards), and an engine
    that has counted nothing yet."""
    engine.reads.clear()
    engine.since.clear()
    name = unique_tool_name("output-runs")
    with removed_afterwards(client, name):
        yield name


def texts(lines: list[ContainerOutput]) -> list[str]:
    return [line.text for line in lines]


async def exited(client: docker.DockerClient, name: str) -> None:
    await asyncio.to_thread(client.api.wait, name, timeout=GUARD_SECONDS)


async def until_printed(feed: Feed, last: str) -> list[ContainerOutput]:
    lines: list[ContainerOutput] = []
    async with asyncio.timeout(GUARD_SECONDS):
        async for batch in feed:
            lines.extend(batch)
            if lines[-1].text == last:
                return lines
    raise AssertionError(f"the feed ended before {last!r}")


async def test_a_restart_reads_only_the_new_run_not_the_history_before_it(
    client: docker.DockerClient,
    application: Application,
    engine: CountingEngine,
    image: str,
    tool_name: str,
) -> None:
    tool = await add_tool(application, tool_name)
    output = ToolOutput(application.unit_of_work, engine, application.clock, POLL_SECONDS)
    name = run(client, image, tool_name, HISTORY_THEN_ONE_LINE)
    await exited(client, name)
    feed = output.follow(tool.id, 1)
    async with asyncio.timeout(GUARD_SECONDS):
        [newest] = await anext(feed)
        assert newest.text == "first run"
        await engine.start_container(name)
        assert texts(await anext(feed)) == ["second run"]
    await feed.aclose()
    assert engine.since == [None, newest.timestamp]
    # The tail; then the newest line shown again (the engine includes its instant), and the
    # new one: none of the history.
    assert engine.reads == [1, 2]


async def test_a_crash_loop_is_shown_run_by_run_and_no_run_is_read_twice(
    client: docker.DockerClient,
    application: Application,
    engine: CountingEngine,
    image: str,
    tool_name: str,
) -> None:
    tool = await add_tool(application, tool_name)
    output = ToolOutput(application.unit_of_work, engine, application.clock, POLL_SECONDS)
    feed = output.follow(tool.id, 10)
    shown = asyncio.ensure_future(until_printed(feed, "run 5"))
    await until(lambda: len(engine.reads) == 1)  # no application yet: the first run shows whole
    name = run(client, image, tool_name, CRASHING_RUN, restart_policy="unless-stopped")
    lines = await shown
    await feed.aclose()
    one_run = [str(number) for number in range(1, 1001)]
    assert texts(lines) == [text for n in range(1, 6) for text in [*one_run, f"run {n}"]]
    # Each follow reads only what came after the newest line shown (that line again, or the
    # few stamped in the same microsecond), never a whole log again.
    assert sum(engine.reads) - len(lines) <= 2 * len(engine.reads)
    waiting = await until_state(engine, name, lambda state: state.restarting)
    assert waiting.running and not waiting.prints  # Docker says running while it waits
    assert waiting.restart_count >= 4
    assert waiting.container_id == client.api.inspect_container(name)["Id"]


async def test_runs_started_by_hand_that_end_alike_between_two_looks_are_all_shown(
    client: docker.DockerClient,
    application: Application,
    engine: CountingEngine,
    image: str,
    tool_name: str,
) -> None:
    tool = await add_tool(application, tool_name)
    output = ToolOutput(application.unit_of_work, engine, application.clock)  # looks every second
    name = run(client, image, tool_name, QUICK_FAILING_RUN)
    await exited(client, name)
    states = [await engine.container_state(name)]
    feed = output.follow(tool.id, 10)
    async with asyncio.timeout(GUARD_SECONDS):
        assert texts(await anext(feed)) == ["run 1"]
        for _ in range(4):
            await engine.start_container(name)
            await exited(client, name)
            states.append(await engine.container_state(name))
        lines = await collect(feed, 4)
    await feed.aclose()
    assert texts(lines) == ["run 2", "run 3", "run 4", "run 5"]
    ended = {(s.running, s.status, s.exit_code, s.restart_count) for s in states if s}
    assert ended == {(False, "exited", 1, 0)}  # all alike, but for when each started
    assert len({s.started_at for s in states if s}) == 5


async def test_the_state_tells_a_container_never_started_from_each_of_its_runs(
    client: docker.DockerClient, engine: CountingEngine, image: str, tool_name: str
) -> None:
    name = container_name(tool_name)
    created = client.api.create_container(image, ["sh", "-c", "echo hi"], name=name)
    with removed_afterwards(client, tool_name):
        never = await engine.container_state(name)
        assert never is not None
        assert (never.container_id, never.started_at) == (created["Id"], None)
        runs = []
        for _ in range(2):
            await engine.start_container(name)
            await exited(client, name)
            runs.append(await engine.container_state(name))
    first, second = runs
    assert first is not None and second is not None
    assert first.started_at is not None and second.started_at is not None
    assert first.started_at.tzinfo is not None and first.started_at < second.started_at
    assert first.run != second.run and first.run != never.run


async def until(condition: Callable[[], bool]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + GUARD_SECONDS
    while not condition():
        assert loop.time() < deadline, "it never got there"
        await asyncio.sleep(0.01)


async def until_state(
    engine: CountingEngine, name: str, wanted: Callable[[ContainerState], bool]
) -> ContainerState:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + GUARD_SECONDS
    while (state := await engine.container_state(name)) is None or not wanted(state):
        assert loop.time() < deadline, f"{name} never got there"
        await asyncio.sleep(0.02)
    return state

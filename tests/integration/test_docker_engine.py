"""DockerContainerEngine against the real Docker engine, with busybox images built FROM scratch."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import docker
import pytest

from domain.builds.model import LogStream
from domain.containers import (
    ContainerSpec,
    ImageBuild,
    Mount,
    NetworkMode,
    container_labels,
    container_name,
    image_tag,
    next_container_name,
)
from domain.errors import EngineError, ErrorCode
from infra.docker.build_output import BuildOutput
from infra.docker.container_config import create_arguments
from infra.docker.engine import DockerContainerEngine
from tests.integration.docker_helpers import (
    SERVE,
    LineRecorder,
    build_context,
    container_present,
    docker_client_or_unavailable,
    free_loopback_port,
    get_when_served,
    image_present,
    refused,
    remove_layers,
    remove_tool_artifacts,
    removed_afterwards,
    tool_build_labels,
    unique_tool_name,
)

pytestmark = pytest.mark.docker
MEBIBYTE = 1024 * 1024


@dataclass(frozen=True)
class BuiltTool:
    name: str
    tag: str
    labels: dict[str, str]
    image_id: str
    marker: str
    recorder: LineRecorder
    sink_threads: set[int]


@pytest.fixture(scope="module")
def client() -> Iterator[docker.DockerClient]:
    docker_client = docker_client_or_unavailable()
    yield docker_client
    docker_client.close()


@pytest.fixture(scope="module")
def engine(client: docker.DockerClient) -> DockerContainerEngine:
    return DockerContainerEngine()


@pytest.fixture(scope="module")
async def served_tool(
    client: docker.DockerClient,
    engine: DockerContainerEngine,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[BuiltTool]:
    """One httpd image, built once and shared by the tests that run containers."""
    name = unique_tool_name()
    marker = f"built-{uuid.uuid4().hex}"
    steps = f"RUN mkdir -p /www && echo ok > /www/health && echo {marker}\n{SERVE}"
    context = build_context(tmp_path_factory.mktemp("served"), steps)
    tag, labels = tool_build_labels(name)
    recorder, threads = LineRecorder(), set[int]()

    def sink(stream: LogStream, line: str) -> None:
        threads.add(threading.get_ident())
        recorder(stream, line)

    with removed_afterwards(client, name):
        image_id = await engine.build_image(ImageBuild(context, tag, labels), sink)
        yield BuiltTool(name, tag, labels, image_id, marker, recorder, threads)


def spec_for(tool: BuiltTool, port: int, **overrides: Any) -> ContainerSpec:
    spec = ContainerSpec(
        name=container_name(tool.name),
        image=tool.tag,
        labels=tool.labels,
        container_port=port,
        host_port=port,
        network_mode=NetworkMode.HOST,
        environment={"PORT": str(port)},
    )
    return replace(spec, **overrides)


# Building.


async def test_a_build_streams_its_lines_in_order_and_labels_the_image(
    client: docker.DockerClient, served_tool: BuiltTool
) -> None:
    texts = served_tool.recorder.texts()
    steps = [line for line in texts if line.startswith("Step ")]
    total = 5 + len(served_tool.labels)  # docker adds one LABEL step per build label
    assert steps[0] == f"Step 1/{total} : FROM scratch"  # sent by docker in two chunks, joined
    assert [step.split()[1] for step in steps] == [f"{n}/{total}" for n in range(1, total + 1)]
    assert texts.index(steps[3]) < texts.index(served_tool.marker) < texts.index(steps[4])
    assert texts[-1] == f"Successfully tagged {served_tool.tag}"
    assert {stream for stream, _ in served_tool.recorder.lines} == {LogStream.STDOUT}
    assert served_tool.sink_threads == {threading.get_ident()}
    inspected = client.api.inspect_image(served_tool.tag)
    assert inspected["Id"] == served_tool.image_id
    assert inspected["Config"]["Labels"] == served_tool.labels


async def test_a_failing_run_step_raises_image_build_failed_after_its_earlier_lines(
    client: docker.DockerClient, engine: DockerContainerEngine, tmp_path: Path
) -> None:
    name, marker = unique_tool_name(), uuid.uuid4().hex
    steps = f"RUN echo {marker} > /marker\nRUN echo before-the-failure && exit 3\n"
    tag, labels = tool_build_labels(name)
    recorder = LineRecorder()
    try:
        with pytest.raises(EngineError) as failure:
            await engine.build_image(
                ImageBuild(build_context(tmp_path, steps), tag, labels), recorder
            )
        assert failure.value.code is ErrorCode.IMAGE_BUILD_FAILED
        assert "returned a non-zero code: 3" in failure.value.message
        assert (LogStream.STDOUT, "before-the-failure") in recorder.lines
        assert recorder.lines[-1][0] is LogStream.STDERR
        assert "returned a non-zero code: 3" in recorder.lines[-1][1]
        assert not image_present(client, tag)
        created = recorder.created_layer_ids()
        assert created, "the marker step must have made a layer"
        assert not [layer for layer in created if image_present(client, layer)]
    finally:
        remove_layers(client, recorder.created_layer_ids())


async def cancel_once_sleeping(
    engine: DockerContainerEngine, build: ImageBuild, recorder: LineRecorder
) -> float:
    """Start the build, cancel it while its RUN sleeps; return how long the cancel took."""
    sleeping = asyncio.Event()

    def sink(stream: LogStream, line: str) -> None:
        recorder(stream, line)
        if line == "sleeping":
            sleeping.set()

    task = asyncio.create_task(engine.build_image(build, sink))
    await asyncio.wait_for(sleeping.wait(), timeout=30)
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return time.monotonic() - started


async def test_cancelling_a_sleeping_build_returns_quickly_and_leaves_nothing_behind(
    client: docker.DockerClient, engine: DockerContainerEngine, tmp_path: Path
) -> None:
    name, marker = unique_tool_name(), uuid.uuid4().hex
    steps = f"RUN echo {marker} > /marker\nRUN echo sleeping && sleep 60\n{SERVE}"
    tag, labels = tool_build_labels(name)
    recorder = LineRecorder()
    try:
        build = ImageBuild(build_context(tmp_path, steps), tag, labels)
        assert await cancel_once_sleeping(engine, build, recorder) < 5
        assert not image_present(client, tag)
        created = recorder.created_layer_ids()
        assert created, "the marker step must have made a layer"
        assert not [layer for layer in created if image_present(client, layer)]
        step_containers = recorder.step_containers()
        assert step_containers, "the sleeping step must have run in a container"
        assert not [c for c in step_containers if container_present(client, c)]
    finally:
        remove_layers(client, recorder.created_layer_ids())
        remove_tool_artifacts(client, name)


async def test_a_build_timing_out_is_aborted_and_cleaned_up_the_same_way(
    client: docker.DockerClient, engine: DockerContainerEngine, tmp_path: Path
) -> None:
    name, marker = unique_tool_name(), uuid.uuid4().hex
    steps = f"RUN echo {marker} > /marker\nRUN sleep 60\n"
    tag, labels = tool_build_labels(name)
    recorder = LineRecorder()
    try:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(1.5):
                await engine.build_image(
                    ImageBuild(build_context(tmp_path, steps), tag, labels), recorder
                )
        assert time.monotonic() - started < 6
        assert not image_present(client, tag)
        assert recorder.step_containers(), "the timeout must have hit a running step"
        assert not [c for c in recorder.step_containers() if container_present(client, c)]
        assert not [x for x in recorder.created_layer_ids() if image_present(client, x)]
    finally:
        remove_layers(client, recorder.created_layer_ids())


async def test_a_build_from_a_directory_without_the_dockerfile_is_refused_before_docker(
    tmp_path: Path,
) -> None:
    engine = DockerContainerEngine(base_url=f"unix://{tmp_path}/no-such.sock")
    with pytest.raises(EngineError) as refused_build:
        await engine.build_image(ImageBuild(tmp_path, "machete/x:1", {}), LineRecorder())
    assert refused_build.value.code is ErrorCode.IMAGE_BUILD_FAILED
    assert "no Dockerfile" in refused_build.value.message


# Running.


async def test_a_host_mode_container_serves_on_loopback_under_the_safety_policy(
    client: docker.DockerClient,
    engine: DockerContainerEngine,
    served_tool: BuiltTool,
    tmp_path: Path,
) -> None:
    port = free_loopback_port()
    (tmp_path / "readonly").mkdir()
    (tmp_path / "writable").mkdir()
    mounts = (
        Mount(tmp_path / "readonly", "/config", read_only=True),
        Mount(tmp_path / "writable", "/data"),
    )
    limits = {"memory_bytes": 64 * MEBIBYTE, "nano_cpus": 500_000_000, "pids_limit": 64}
    spec = spec_for(served_tool, port, mounts=mounts, read_only_root=True, **limits)
    try:
        container_id = await engine.run_container(spec)
        response = await get_when_served(f"http://127.0.0.1:{port}/health")
        assert (response.status_code, response.text) == (200, "ok\n")
        host = client.api.inspect_container(container_id)["HostConfig"]
        assert host["Privileged"] is False
        assert host["SecurityOpt"] == ["no-new-privileges:true"]
        assert host["CapDrop"] == ["ALL"]
        assert (host["Memory"], host["NanoCpus"], host["PidsLimit"]) == (
            64 * MEBIBYTE,
            500_000_000,
            64,
        )
        assert (host["NetworkMode"], host["IpcMode"], host["ReadonlyRootfs"]) == (
            "host",
            "private",
            True,
        )
        assert host["RestartPolicy"]["Name"] == "unless-stopped"
        assert not host["PortBindings"]
        config = client.api.inspect_container(container_id)["Config"]
        assert served_tool.labels.items() <= config["Labels"].items()
        assert f"PORT={port}" in config["Env"]
        container = client.containers.get(container_id)
        assert container.exec_run(["sh", "-c", "echo x > /config/probe"]).exit_code != 0
        assert container.exec_run(["sh", "-c", "echo x > /data/probe"]).exit_code == 0
        assert not (tmp_path / "readonly" / "probe").exists()
        assert (tmp_path / "writable" / "probe").read_text() == "x\n"
        state = await engine.container_state(spec.name)
        assert state is not None
        assert (state.running, state.status, state.image) == (True, "running", served_tool.tag)
    finally:
        await engine.remove_container(spec.name)


async def test_a_stopped_container_can_be_started_again(
    engine: DockerContainerEngine, served_tool: BuiltTool
) -> None:
    port = free_loopback_port()
    spec = spec_for(served_tool, port)
    url = f"http://127.0.0.1:{port}/health"
    try:
        await engine.run_container(spec)
        assert (await get_when_served(url)).status_code == 200
        await engine.stop_container(spec.name, timeout_seconds=1)
        stopped = await engine.container_state(spec.name)
        assert stopped is not None
        assert (stopped.running, stopped.status) == (False, "exited")
        assert await refused(url)
        await engine.start_container(spec.name)
        assert (await get_when_served(url)).status_code == 200
        restarted = await engine.container_state(spec.name)
        assert restarted is not None and restarted.running
    finally:
        await engine.remove_container(spec.name)


async def test_running_a_container_replaces_the_one_with_the_same_name(
    client: docker.DockerClient, engine: DockerContainerEngine, served_tool: BuiltTool
) -> None:
    first_port, second_port = free_loopback_port(), free_loopback_port()
    try:
        first = await engine.run_container(spec_for(served_tool, first_port))
        second = await engine.run_container(spec_for(served_tool, second_port))
        assert first != second
        assert not container_present(client, first)
        named = client.api.containers(
            all=True, filters={"name": f"^/{container_name(served_tool.name)}$"}
        )
        assert [c["Id"] for c in named] == [second]
        assert (await get_when_served(f"http://127.0.0.1:{second_port}/health")).status_code == 200
    finally:
        await engine.remove_container(container_name(served_tool.name))
    assert await engine.container_state(container_name(served_tool.name)) is None


async def test_a_renamed_container_keeps_running_and_serving_under_its_new_name(
    engine: DockerContainerEngine, served_tool: BuiltTool
) -> None:
    port = free_loopback_port()
    new, main = next_container_name(served_tool.name), container_name(served_tool.name)
    labels = container_labels(served_tool.name, "build-2", port)
    try:
        container_id = await engine.run_container(
            spec_for(served_tool, port, name=new, labels=labels)
        )
        assert (await get_when_served(f"http://127.0.0.1:{port}/health")).status_code == 200

        await engine.rename_container(new, main)

        assert await engine.container_state(new) is None
        state = await engine.container_state(main)
        assert state is not None
        assert (state.container_id, state.running, state.host_port) == (container_id, True, port)
        assert (await get_when_served(f"http://127.0.0.1:{port}/health")).status_code == 200
    finally:
        await engine.remove_container(new)
        await engine.remove_container(main)


async def test_renaming_a_missing_container_or_onto_a_taken_name_is_a_conflict(
    engine: DockerContainerEngine, served_tool: BuiltTool
) -> None:
    main, new = container_name(served_tool.name), next_container_name(served_tool.name)
    try:
        with pytest.raises(EngineError) as missing:
            await engine.rename_container(new, main)
        assert missing.value.code is ErrorCode.CONFLICT
        await engine.run_container(spec_for(served_tool, free_loopback_port()))
        await engine.run_container(spec_for(served_tool, free_loopback_port(), name=new))
        with pytest.raises(EngineError) as taken:
            await engine.rename_container(new, main)
        assert taken.value.code is ErrorCode.CONFLICT
        assert await engine.container_state(new) is not None
    finally:
        await engine.remove_container(new)
        await engine.remove_container(main)


async def test_the_state_tells_a_containers_port_label_and_bind_mounts(
    engine: DockerContainerEngine, served_tool: BuiltTool, tmp_path: Path
) -> None:
    port = free_loopback_port()
    (tmp_path / "data").mkdir()
    (tmp_path / "config").mkdir()
    mounts = (Mount(tmp_path / "data", "/data"), Mount(tmp_path / "config", "/config", True))
    labels = container_labels(served_tool.name, "build-1", port)
    spec = spec_for(served_tool, port, labels=labels, mounts=mounts)
    try:
        await engine.run_container(spec)
        state = await engine.container_state(spec.name)
        assert state is not None
        assert labels.items() <= state.labels.items()
        assert state.host_port == port
        assert sorted(state.mounts, key=lambda m: m.container_path) == sorted(
            mounts, key=lambda m: m.container_path
        )
    finally:
        await engine.remove_container(spec.name)


async def test_a_container_of_a_missing_image_is_refused_as_image_missing(
    engine: DockerContainerEngine, served_tool: BuiltTool
) -> None:
    spec = spec_for(served_tool, free_loopback_port(), image=image_tag(served_tool.name, 999))
    with pytest.raises(EngineError) as missing:
        await engine.run_container(spec)
    assert missing.value.code is ErrorCode.IMAGE_MISSING
    assert await engine.container_state(spec.name) is None


async def test_starting_a_container_that_does_not_exist_fails_to_start(
    engine: DockerContainerEngine,
) -> None:
    with pytest.raises(EngineError) as missing:
        await engine.start_container(container_name(unique_tool_name()))
    assert missing.value.code is ErrorCode.CONTAINER_START_FAILED


async def test_stopping_removing_and_inspecting_missing_things_is_not_an_error(
    engine: DockerContainerEngine,
) -> None:
    name = unique_tool_name()
    await engine.stop_container(container_name(name))
    await engine.remove_container(container_name(name))
    await engine.remove_image(image_tag(name, 1))
    await engine.remove_tool_images(name)
    assert await engine.container_state(container_name(name)) is None
    assert await engine.image_exists(image_tag(name, 1)) is False


# Images and the engine itself.


async def test_removing_a_tools_images_leaves_other_tools_images_alone(
    client: docker.DockerClient, engine: DockerContainerEngine, tmp_path: Path
) -> None:
    doomed, kept = unique_tool_name(), unique_tool_name()
    context = build_context(tmp_path, SERVE)
    builds = [(doomed, 1), (doomed, 2), (kept, 1)]
    with removed_afterwards(client, doomed, kept):
        for tool, number in builds:
            labels = tool_build_labels(tool)[1]
            await engine.build_image(
                ImageBuild(context, image_tag(tool, number), labels), LineRecorder()
            )
        assert all([await engine.image_exists(image_tag(t, n)) for t, n in builds])
        await engine.remove_tool_images(doomed)
        assert not await engine.image_exists(image_tag(doomed, 1))
        assert not await engine.image_exists(image_tag(doomed, 2))
        assert await engine.image_exists(image_tag(kept, 1))
        await engine.remove_image(image_tag(kept, 1))
        assert not await engine.image_exists(image_tag(kept, 1))


async def test_auto_network_mode_is_host_when_the_engine_has_no_default_bridge(
    client: docker.DockerClient, engine: DockerContainerEngine
) -> None:
    has_bridge = any(n["Name"] == "bridge" for n in client.api.networks())
    expected = NetworkMode.BRIDGE if has_bridge else NetworkMode.HOST
    assert await engine.network_mode() == expected
    # These machines run dockerd with --bridge=none (docs/environment.md).
    assert expected is NetworkMode.HOST


async def test_an_explicit_network_mode_is_used_without_asking_the_engine(tmp_path: Path) -> None:
    unreachable = f"unix://{tmp_path}/no-such.sock"
    assert await DockerContainerEngine(unreachable, "bridge").network_mode() is NetworkMode.BRIDGE
    assert await DockerContainerEngine(unreachable, "host").network_mode() is NetworkMode.HOST
    with pytest.raises(ValueError, match="network_mode"):
        DockerContainerEngine(unreachable, "overlay")


async def test_every_call_to_an_unreachable_engine_is_engine_unavailable(tmp_path: Path) -> None:
    engine = DockerContainerEngine(base_url=f"unix://{tmp_path}/no-such.sock")
    context = build_context(tmp_path / "context", SERVE)
    name = unique_tool_name()
    spec = ContainerSpec(container_name(name), image_tag(name, 1), {}, 8080, 8080, NetworkMode.HOST)
    calls = [
        engine.network_mode(),
        engine.build_image(ImageBuild(context, image_tag(name, 1), {}), LineRecorder()),
        engine.image_exists(image_tag(name, 1)),
        engine.run_container(spec),
        engine.start_container(spec.name),
        engine.stop_container(spec.name),
        engine.remove_container(spec.name),
        engine.container_state(spec.name),
        engine.remove_image(image_tag(name, 1)),
        engine.remove_tool_images(name),
    ]
    for call in calls:
        with pytest.raises(EngineError) as unavailable:
            await call
        assert unavailable.value.code is ErrorCode.ENGINE_UNAVAILABLE
        assert "no-such.sock" not in unavailable.value.message


# Pure translation, no engine needed.


def test_a_bridge_container_publishes_its_port_on_loopback_only() -> None:
    spec = ContainerSpec("machete-x", "machete/x:1", {}, 8080, 20001, NetworkMode.BRIDGE)
    arguments = create_arguments(spec)
    assert arguments["network_mode"] == "bridge"
    assert arguments["ports"] == {"8080/tcp": ("127.0.0.1", 20001)}


def test_build_output_joins_split_lines_and_tells_created_layers_from_cached_ones() -> None:
    output = BuildOutput()
    chunks = ["Step 1/2 : COPY a /a", "\n ---> Using cache\n ---> aaaaaaaaaaaa\nStep 2/2 : RUN x\n"]
    chunks += [" ---> Running in cccccccccccc\nhel", "lo\n ---> bbbbbbbbbbbb\n"]
    lines = [line for chunk in chunks for line in output.feed({"stream": chunk})]
    assert lines[0] == (LogStream.STDOUT, "Step 1/2 : COPY a /a")
    assert (LogStream.STDOUT, "hello") in lines
    assert output.created_layers == ["bbbbbbbbbbbb"]
    assert output.step_container == "cccccccccccc"
    failed = output.feed({"errorDetail": {"message": "boom"}, "error": "boom"})
    assert failed == [(LogStream.STDERR, "boom")]

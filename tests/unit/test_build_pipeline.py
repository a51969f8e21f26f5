from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from domain.builds.model import BuildPhase, BuildStatus, BuildTrigger, LogStream
from domain.builds.pipeline import BuildControl, BuildLimits
from domain.containers import HealthResult, container_name
from domain.errors import EngineError, ErrorCode, ManifestError, SourceError
from domain.tools import launcher as launcher_module
from domain.tools.commands import InstallTool, Rollback
from domain.tools.policy import ToolPolicy
from domain.tools.status import DesiredState, ToolStatus
from tests.unit.tool_fakes import COMMIT_SHA, ToolWorld, a_user

Q, C, B, S = BuildStatus.QUEUED, BuildStatus.CLONING, BuildStatus.BUILDING, BuildStatus.STARTING


@pytest.fixture
def world(tmp_path: Path) -> ToolWorld:
    return ToolWorld(tmp_path)


async def test_a_successful_build_runs_every_phase_and_leaves_the_tool_running(
    world: ToolWorld,
) -> None:
    tool, build = await world.installed()
    await world.claim(build.id)
    await world.pipeline().run(build.id, BuildControl())

    done = world.build(build.id)
    assert world.store.statuses[build.id] == [Q, C, B, S, BuildStatus.SUCCEEDED]
    assert (done.commit_sha, done.image, done.failure) == (COMMIT_SHA, "machete/hello:1", None)
    assert (done.lease_owner, done.finished_at) == (None, world.clock.now())
    ran = world.tool(tool.id)
    assert (ran.status, ran.desired_state) == (ToolStatus.RUNNING, DesiredState.RUNNING)
    assert (ran.current_build_id, ran.commit_sha) == (build.id, COMMIT_SHA)
    assert ran.manifest == done.manifest == world.manifests.manifest.to_document()
    assert (ran.description, ran.category) == ("Says hello", "devops")
    spec = world.engine.runs[-1]
    assert (spec.name, spec.image, spec.host_port) == (container_name("hello"), done.image, 20000)
    assert spec.environment == {"GREETING": "hi", "PORT": "8080"}
    assert world.probe.urls == [f"http://127.0.0.1:{ran.host_port}/health"]
    assert world.source.open_checkouts == 0


async def test_the_logs_are_stored_in_order_numbered_from_one(world: ToolWorld) -> None:
    _, build = await world.installed()
    await world.pipeline().run(build.id, BuildControl())

    lines = world.store.logs(build.id)
    assert [line.seq for line in lines] == list(range(1, len(lines) + 1))
    texts = [line.text for line in lines]
    assert texts.index(f"Fetched {COMMIT_SHA[:12]}") < texts.index("Manifest valid: hello 1.0.0")
    assert texts.index("Building image machete/hello:1") < texts.index(
        "Step 1/2 : FROM python:3.11-slim"
    )
    assert texts[-1] == "Healthy (HTTP 200); build succeeded."
    assert [line.stream for line in lines if line.text.startswith("Step")] == [LogStream.STDOUT] * 2
    assert world.build(build.id).log_line_count == len(lines)
    assert world.build(build.id).log_bytes == sum(len(text.encode()) for text in texts)


async def test_a_manifest_error_fails_the_build_in_cloning_with_its_code(
    world: ToolWorld,
) -> None:
    world.manifests.error = ManifestError("No machete.yml here.", code=ErrorCode.MANIFEST_MISSING)
    tool, build = await world.installed()
    await world.pipeline().run(build.id, BuildControl())

    failure = world.build(build.id).failure
    assert failure is not None
    assert (failure.phase, failure.code) == (BuildPhase.CLONING, ErrorCode.MANIFEST_MISSING)
    assert world.build(build.id).status is BuildStatus.FAILED
    assert world.tool(tool.id).status is ToolStatus.FAILED
    assert world.engine.image_builds == []
    assert world.store.logs(build.id)[-1].text == (
        "Build failed [MANIFEST_MISSING]: No machete.yml here."
    )
    assert world.source.open_checkouts == 0


async def test_a_source_error_fails_the_build_in_cloning(world: ToolWorld) -> None:
    world.source.error = SourceError("No such ref.", code=ErrorCode.REF_NOT_FOUND)
    _, build = await world.installed()
    await world.pipeline().run(build.id, BuildControl())

    failure = world.build(build.id).failure
    assert failure is not None
    assert (failure.phase, failure.code) == (BuildPhase.CLONING, ErrorCode.REF_NOT_FOUND)


async def test_an_image_build_failure_fails_the_build_in_building(world: ToolWorld) -> None:
    world.engine.build_error = EngineError(
        "RUN make: exit code 2", code=ErrorCode.IMAGE_BUILD_FAILED
    )
    tool, build = await world.installed()
    await world.pipeline().run(build.id, BuildControl())

    done = world.build(build.id)
    assert done.failure is not None
    assert (done.failure.phase, done.failure.code) == (
        BuildPhase.BUILDING,
        ErrorCode.IMAGE_BUILD_FAILED,
    )
    assert done.failure.message == "RUN make: exit code 2"
    assert world.store.statuses[build.id] == [Q, C, B, BuildStatus.FAILED]
    assert world.tool(tool.id).status is ToolStatus.FAILED
    assert world.engine.runs == []


async def test_an_unhealthy_tool_fails_the_build_in_starting(
    world: ToolWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launcher_module, "HEALTH_POLL_SECONDS", 0.001)
    world.policy = ToolPolicy(health_timeout_seconds=0.05)
    world.probe.results = [HealthResult(healthy=False, status_code=503, latency_ms=1)]
    tool, build = await world.installed()
    await world.pipeline().run(build.id, BuildControl())

    done = world.build(build.id)
    assert done.failure is not None
    assert (done.failure.phase, done.failure.code) == (
        BuildPhase.STARTING,
        ErrorCode.HEALTH_CHECK_FAILED,
    )
    ran = world.tool(tool.id)
    assert ran.status is ToolStatus.UNHEALTHY
    assert ran.current_build_id == build.id, "the container runs this image, unhealthy"
    checks = list(world.store.health_checks.values())
    assert [(c.tool_id, c.healthy, c.status_code) for c in checks] == [(tool.id, False, 503)]
    assert len(world.probe.urls) > 1, "polled until the health timeout"


async def test_a_container_that_exits_fails_the_build_as_container_start_failed(
    world: ToolWorld,
) -> None:
    world.engine.keeps_running = False
    world.probe.results = [HealthResult(healthy=False, error="connection refused")]
    tool, build = await world.installed()
    await world.pipeline().run(build.id, BuildControl())

    failure = world.build(build.id).failure
    assert failure is not None
    assert (failure.phase, failure.code) == (BuildPhase.STARTING, ErrorCode.CONTAINER_START_FAILED)
    assert world.tool(tool.id).status is ToolStatus.FAILED


async def test_a_build_that_runs_too_long_fails_as_build_timeout(world: ToolWorld) -> None:
    world.engine.build_seconds = 30
    tool, build = await world.installed()
    await world.pipeline(BuildLimits(timeout_seconds=0.05)).run(build.id, BuildControl())

    done = world.build(build.id)
    assert done.status is BuildStatus.FAILED
    assert done.failure is not None
    assert (done.failure.phase, done.failure.code) == (
        BuildPhase.BUILDING,
        ErrorCode.BUILD_TIMEOUT,
    )
    assert world.tool(tool.id).status is ToolStatus.FAILED
    assert world.source.open_checkouts == 0


async def test_a_cancelled_build_ends_cancelled(world: ToolWorld) -> None:
    world.engine.build_seconds = 30
    tool, build = await world.installed()
    task, control = await world.start_run(build.id)

    await world.stop_run(task, control, "cancel")

    done = world.build(build.id)
    assert (done.status, done.failure) == (BuildStatus.CANCELLED, None)
    assert done.finished_at is not None
    assert (world.tool(tool.id).status, world.tool(tool.id).desired_state) == (
        ToolStatus.STOPPED,
        DesiredState.STOPPED,
    )
    assert world.store.logs(build.id)[-1].text == "Build cancelled."
    assert world.source.open_checkouts == 0


async def test_a_shutdown_gives_the_build_back_to_the_queue(world: ToolWorld) -> None:
    world.engine.build_seconds = 30
    _, build = await world.installed()
    await world.claim(build.id)
    task, control = await world.start_run(build.id)

    with pytest.raises(asyncio.CancelledError):
        await world.stop_run(task, control, "shutdown")

    requeued = world.build(build.id)
    assert (requeued.status, requeued.failure, requeued.finished_at) == (Q, None, None)
    assert (requeued.lease_owner, requeued.lease_expires_at) == (None, None)
    assert world.store.statuses[build.id][-1] is Q
    assert world.store.logs(build.id)[-1].text == (
        "The worker is shutting down; the build is queued again."
    )
    assert requeued.log_line_count == len(world.store.logs(build.id))


async def test_a_rollback_build_starts_the_earlier_image_without_clone_or_build(
    world: ToolWorld,
) -> None:
    tool, first = await world.installed(built=True)
    fetched, built = len(world.source.fetched), len(world.engine.image_builds)
    _, rollback = await world.build_requests().rollback(a_user(), Rollback(tool.id, first.id))
    await world.pipeline().run(rollback.id, BuildControl())

    assert world.store.statuses[rollback.id] == [Q, S, BuildStatus.SUCCEEDED]
    assert (len(world.source.fetched), len(world.engine.image_builds)) == (fetched, built)
    assert world.engine.runs[-1].image == first.image
    ran = world.tool(tool.id)
    assert (ran.current_build_id, ran.status) == (rollback.id, ToolStatus.RUNNING)
    assert world.build(rollback.id).trigger is BuildTrigger.ROLLBACK


async def test_a_credential_bearing_url_is_fetched_with_its_credentials(
    world: ToolWorld,
) -> None:
    url = "https://alice:s3cret@git.example.com/team/hello.git"
    _, build = await world.tool_service().install_tool(a_user(), InstallTool(url))
    await world.pipeline().run(build.id, BuildControl())

    assert world.source.fetched[-1].repo_url == url
    assert all("s3cret" not in line.text for line in world.store.logs(build.id))

"""A busybox tool through its whole life on the real engine: install, operate, uninstall."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.e2e.server import GraphQLClient, RunningServer
from tests.e2e.tools import (
    DockerView,
    ToolsApi,
    data_dir,
    refuses_connections,
    served,
    unique_name,
    workspaces,
)
from tests.fixtures.repos import make_tool_repo, tool_files

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def api(client: GraphQLClient, role_tokens: dict[str, dict]) -> ToolsApi:
    return ToolsApi(client, role_tokens["MAINTAINER"]["accessToken"])


async def install_running(
    api: ToolsApi, repo_url: str, name: str, **input: object
) -> tuple[dict, dict]:
    payload = await api.install(repoUrl=repo_url, name=name, **input)
    assert payload["errors"] == [], payload
    build = await api.wait_for_build(payload["build"]["id"])
    log = await api.log_text(build["id"])
    assert build["status"] == "SUCCEEDED", f"{build}\n{log}"
    tool = await api.wait_for_status(payload["tool"]["id"], {"RUNNING"})
    return tool, build


async def test_an_installed_tool_runs_and_answers_its_health_path(
    api: ToolsApi,
    tmp_path: Path,
    server: RunningServer,
    docker_view: DockerView,
    cleanup_tools: list[str],
) -> None:
    name = unique_name("hello")
    cleanup_tools.append(name)
    repo = make_tool_repo(tmp_path, name=name)
    payload = await api.install(repoUrl=repo.url, name=name)
    assert payload["errors"] == []
    assert payload["build"]["status"] == "QUEUED"
    assert payload["build"]["number"] == 1
    assert payload["tool"]["status"] == "PENDING"

    build = await api.wait_for_build(payload["build"]["id"])
    assert build["status"] == "SUCCEEDED", await api.log_text(build["id"])
    assert build["commitSha"] == repo.commit({}, "no change") or build["commitSha"]
    tool = await api.wait_for_status(payload["tool"]["id"], {"RUNNING"})
    assert await served(tool["url"] + "/health") == '{"status":"healthy"}'
    assert await served(tool["url"] + "/index.html") == "version one"
    assert tool["currentBuild"]["id"] == build["id"]
    assert tool["commitSha"] == build["commitSha"]
    # A build links back to its tool, whose builds link forward again.
    linked = await api.run(
        """query($id: ID!) { build(id: $id) { tool { id name
            builds(first: 5) { nodes { id } pageInfo { hasNextPage } } } } }""",
        {"id": build["id"]},
    )
    assert linked == {
        "build": {
            "tool": {
                "id": tool["id"],
                "name": name,
                "builds": {"nodes": [{"id": build["id"]}], "pageInfo": {"hasNextPage": False}},
            }
        }
    }
    log = await api.log_text(build["id"])
    assert "Step 1/" in log and "Healthy" in log
    assert workspaces(server) == []


async def test_a_started_tool_runs_under_the_safety_policy(
    api: ToolsApi,
    tmp_path: Path,
    docker_view: DockerView,
    cleanup_tools: list[str],
) -> None:
    name = unique_name("policy")
    cleanup_tools.append(name)
    tool, _ = await install_running(api, make_tool_repo(tmp_path, name=name).url, name)
    [container] = docker_view.containers(name)
    attrs = container.attrs
    host = attrs["HostConfig"]
    assert container.name == f"machete-{name}"
    assert host["Privileged"] is False
    assert "no-new-privileges:true" in host["SecurityOpt"]
    assert host["CapDrop"] == ["ALL"]
    assert host["Memory"] > 0 and host["NanoCpus"] > 0 and host["PidsLimit"] > 0
    assert host["PidMode"] in ("", "private") and host["IpcMode"] in ("private", "")
    assert not host.get("Devices")
    assert host["RestartPolicy"]["Name"] == "unless-stopped"
    labels = attrs["Config"]["Labels"]
    assert labels["machete.managed"] == "true"
    assert labels["machete.tool"] == name
    [image] = docker_view.images(name)
    assert f"machete/{name}:1" in image.tags
    assert image.labels["machete.build"] == labels["machete.build"]
    env = dict(item.split("=", 1) for item in attrs["Config"]["Env"])
    assert env["PORT"] == str(tool["hostPort"])
    assert env["EQUATION"] == "a=b"


async def test_stop_start_restart_update_rollback_and_uninstall(
    api: ToolsApi,
    tmp_path: Path,
    server: RunningServer,
    docker_view: DockerView,
    cleanup_tools: list[str],
) -> None:
    name = unique_name("cycle")
    cleanup_tools.append(name)
    repo = make_tool_repo(tmp_path, name=name, content="version one")
    tool, first = await install_running(api, repo.url, name)
    tool_id = tool["id"]

    stopped = await api.mutate("stopTool", "ToolIdInput", id=tool_id)
    assert stopped["errors"] == [] and stopped["tool"]["status"] == "STOPPED"
    assert await refuses_connections(tool["url"] + "/health")
    started = await api.mutate("startTool", "ToolIdInput", id=tool_id)
    assert started["errors"] == []
    tool = await api.wait_for_status(tool_id, {"RUNNING"})
    assert await served(tool["url"] + "/index.html") == "version one"
    [before_restart] = docker_view.containers(name)
    restarted = await api.mutate("restartTool", "ToolIdInput", id=tool_id)
    assert restarted["errors"] == []
    tool = await api.wait_for_status(tool_id, {"RUNNING"})
    [after_restart] = docker_view.containers(name)
    assert after_restart.id != before_restart.id  # a fresh container, current settings
    assert await served(tool["url"] + "/health") == '{"status":"healthy"}'

    new_sha = repo.commit({"www/index.html": "version two\n"}, "second version")
    updated = await api.mutate("updateTool", "UpdateToolInput", id=tool_id)
    assert updated["errors"] == [] and updated["build"]["trigger"] == "UPDATE"
    second = await api.wait_for_build(updated["build"]["id"])
    assert second["status"] == "SUCCEEDED", await api.log_text(second["id"])
    assert second["commitSha"] == new_sha != first["commitSha"]
    tool = await api.wait_for_status(tool_id, {"RUNNING"})
    assert tool["commitSha"] == new_sha
    assert await served(tool["url"] + "/index.html") == "version two"

    rolled = await api.mutate("rollbackTool", "RollbackToolInput", id=tool_id, buildId=first["id"])
    assert rolled["errors"] == [] and rolled["build"]["trigger"] == "ROLLBACK"
    third = await api.wait_for_build(rolled["build"]["id"])
    assert third["status"] == "SUCCEEDED", await api.log_text(third["id"])
    assert third["image"] == first["image"]
    tool = await api.wait_for_status(tool_id, {"RUNNING"})
    assert tool["commitSha"] == first["commitSha"]
    assert await served(tool["url"] + "/index.html") == "version one"
    assert len(docker_view.images(name)) == 2  # rollback built nothing new

    tool_dir = data_dir(server) / "tools" / name
    removed = await api.mutate("uninstallTool", "UninstallToolInput", id=tool_id)
    assert removed["errors"] == []
    assert docker_view.containers(name) == []
    assert docker_view.images(name) == []
    assert not tool_dir.exists()
    assert await api.tool(tool_id) is None


async def test_two_tools_declaring_the_same_port_run_side_by_side(
    api: ToolsApi,
    tmp_path: Path,
    docker_view: DockerView,
    cleanup_tools: list[str],
) -> None:
    names = [unique_name("twin"), unique_name("twin")]
    cleanup_tools.extend(names)
    repos = [
        make_tool_repo(tmp_path / str(i), name=n, port=8080, content=f"twin {i}")
        for i, n in enumerate(names)
    ]
    results = await asyncio.gather(
        *(install_running(api, repo.url, n) for repo, n in zip(repos, names, strict=True))
    )
    first, second = (tool for tool, _ in results)
    assert first["hostPort"] != second["hostPort"]
    assert await served(first["url"] + "/index.html") == "twin 0"
    assert await served(second["url"] + "/index.html") == "twin 1"


async def test_a_failing_run_step_ends_failed_in_building_with_its_output_in_the_log(
    api: ToolsApi,
    tmp_path: Path,
    server: RunningServer,
    docker_view: DockerView,
    cleanup_tools: list[str],
) -> None:
    name = unique_name("broken")
    cleanup_tools.append(name)
    extra = 'RUN ["sh", "-c", "echo about to break; echo broken-on-purpose >&2; exit 3"]\n'
    repo = make_tool_repo(tmp_path, name=name, dockerfile_extra=extra)
    payload = await api.install(repoUrl=repo.url, name=name)
    build = await api.wait_for_build(payload["build"]["id"])
    assert build["status"] == "FAILED"
    assert build["failure"]["phase"] == "BUILDING"
    assert build["failure"]["code"] == "IMAGE_BUILD_FAILED"
    log = await api.log_text(build["id"])
    assert "about to break" in log and "broken-on-purpose" in log
    assert "returned a non-zero code: 3" in log
    tool = await api.tool(payload["tool"]["id"])
    assert tool is not None and tool["status"] == "FAILED"
    assert docker_view.containers(name) == []
    assert workspaces(server) == []


async def test_cancelling_a_build_that_sleeps_ends_it_within_five_seconds(
    api: ToolsApi,
    tmp_path: Path,
    docker_view: DockerView,
    cleanup_tools: list[str],
) -> None:
    name = unique_name("sleepy")
    cleanup_tools.append(name)
    repo = make_tool_repo(tmp_path, name=name, dockerfile_extra='RUN ["sleep", "60"]\n')
    on_engine_before = docker_view.engine_objects()
    payload = await api.install(repoUrl=repo.url, name=name)
    build_id = payload["build"]["id"]
    await api.wait_for_step(build_id, '"sleep", "60"')  # earlier layers are committed
    await asyncio.sleep(0.5)  # the RUN step is sleeping now
    started = asyncio.get_running_loop().time()
    cancelled = await api.mutate("cancelBuild", "CancelBuildInput", id=build_id)
    assert cancelled["errors"] == []
    build = await api.wait_for_build(build_id, within=10)
    assert build["status"] == "CANCELLED"
    assert asyncio.get_running_loop().time() - started < 5
    assert docker_view.images(name) == []
    assert docker_view.containers(name) == []
    # No step container and no layer of the aborted build is left on the engine.
    assert docker_view.engine_objects() - on_engine_before == set()
    again = await api.mutate("cancelBuild", "CancelBuildInput", id=build_id)
    assert [e["code"] for e in again["errors"]] == ["CONFLICT"]


async def test_tool_environment_and_secrets_reach_the_container_but_never_the_api(
    api: ToolsApi,
    tmp_path: Path,
    docker_view: DockerView,
    cleanup_tools: list[str],
) -> None:
    name = unique_name("secret")
    cleanup_tools.append(name)
    repo = make_tool_repo(tmp_path, name=name)
    tool, _ = await install_running(
        api,
        repo.url,
        name,
        environment=[{"name": "GREETING", "value": "override"}],
        secrets=[{"name": "API_KEY", "value": "s3cr3t-value"}],
    )
    query = (
        "query($id: ID!) { tool(id: $id) { environment { name value } secrets { name isSet } } }"
    )
    data = await api.run(query, {"id": tool["id"]})
    assert data["tool"]["environment"] == [{"name": "GREETING", "value": "override"}]
    assert data["tool"]["secrets"] == [{"name": "API_KEY", "isSet": True}]
    [container] = docker_view.containers(name)
    env = dict(item.split("=", 1) for item in container.attrs["Config"]["Env"])
    assert env["API_KEY"] == "s3cr3t-value" and env["GREETING"] == "override"
    deleted = await api.mutate(
        "deleteToolSecret", "DeleteToolSecretInput", id=tool["id"], name="API_KEY"
    )
    assert deleted["errors"] == []
    data = await api.run(query, {"id": tool["id"]})
    assert data["tool"]["secrets"] == []

    changed = await api.mutate(
        "setToolEnvironment",
        "SetToolEnvironmentInput",
        id=tool["id"],
        environment=[{"name": "GREETING", "value": "changed"}],
    )
    assert changed["errors"] == []
    added = await api.mutate(
        "setToolSecret", "SetToolSecretInput", id=tool["id"], name="TOKEN", value="t0ken"
    )
    assert added["errors"] == []
    assert (await api.mutate("restartTool", "ToolIdInput", id=tool["id"]))["errors"] == []
    await api.wait_for_status(tool["id"], {"RUNNING"})
    [container] = docker_view.containers(name)
    env = dict(item.split("=", 1) for item in container.attrs["Config"]["Env"])
    assert (env["GREETING"], env["TOKEN"]) == ("changed", "t0ken")
    assert "API_KEY" not in env


async def test_a_container_killed_by_hand_is_brought_back(
    api: ToolsApi, tmp_path: Path, docker_view: DockerView, cleanup_tools: list[str]
) -> None:
    name = unique_name("revive")
    cleanup_tools.append(name)
    tool, _ = await install_running(api, make_tool_repo(tmp_path, name=name).url, name)
    [container] = docker_view.containers(name)
    container.kill()  # behind MACHETE's back; Docker's restart policy will not undo a kill
    deadline = asyncio.get_running_loop().time() + 30
    while await refuses_connections(tool["url"] + "/health"):
        assert asyncio.get_running_loop().time() < deadline, "the tool was not brought back"
        await asyncio.sleep(0.3)
    tool = await api.wait_for_status(tool["id"], {"RUNNING"})
    assert await served(tool["url"] + "/health") == '{"status":"healthy"}'


async def test_the_monitor_marks_a_failing_health_path_unhealthy_and_keeps_history(
    api: ToolsApi, tmp_path: Path, docker_view: DockerView, cleanup_tools: list[str]
) -> None:
    name = unique_name("monitor")
    cleanup_tools.append(name)
    tool, _ = await install_running(api, make_tool_repo(tmp_path, name=name).url, name)
    [container] = docker_view.containers(name)
    assert container.exec_run(["rm", "/www/health"]).exit_code == 0
    tool = await api.wait_for_status(tool["id"], {"UNHEALTHY"}, within=30)
    query = (
        "query($id: ID!) { tool(id: $id) { healthChecks(last: 3) { healthy statusCode error } } }"
    )
    checks = (await api.run(query, {"id": tool["id"]}))["tool"]["healthChecks"]
    assert checks[0] == {"healthy": False, "statusCode": 404, "error": "HTTP status 404"}
    assert any(check["healthy"] for check in checks[1:])

    restore = ["sh", "-c", 'echo \'{"status":"healthy"}\' > /www/health']
    assert container.exec_run(restore).exit_code == 0
    tool = await api.wait_for_status(tool["id"], {"RUNNING"}, within=30)
    assert await served(tool["url"] + "/health") == '{"status":"healthy"}'


async def test_uninstalling_a_tool_while_it_builds_cancels_the_build_and_removes_everything(
    api: ToolsApi,
    tmp_path: Path,
    server: RunningServer,
    docker_view: DockerView,
    cleanup_tools: list[str],
) -> None:
    name = unique_name("busy")
    cleanup_tools.append(name)
    repo = make_tool_repo(tmp_path, name=name, dockerfile_extra='RUN ["sleep", "60"]\n')
    payload = await api.install(repoUrl=repo.url, name=name)
    build_id = payload["build"]["id"]
    await api.wait_for_log(build_id, "Running in")  # the RUN step has started

    removed = await api.mutate("uninstallTool", "UninstallToolInput", id=payload["tool"]["id"])
    assert removed["errors"] == []
    assert await api.tool(payload["tool"]["id"]) is None
    assert docker_view.containers(name) == [] and docker_view.images(name) == []
    assert not (data_dir(server) / "tools" / name).exists()
    assert workspaces(server) == []


async def test_cancelling_a_build_while_it_starts_leaves_the_old_container_serving(
    api: ToolsApi, tmp_path: Path, docker_view: DockerView, cleanup_tools: list[str]
) -> None:
    name = unique_name("halfway")
    cleanup_tools.append(name)
    repo = make_tool_repo(tmp_path, name=name, content="version one")
    tool, first = await install_running(api, repo.url, name)
    [serving] = docker_view.containers(name)
    manifest = tool_files(name)["machete.yml"]
    assert isinstance(manifest, str)
    broken_health = manifest.replace("/health", "/never-answers")
    repo.commit({"machete.yml": broken_health, "www/index.html": "version two\n"}, "v2")
    updated = await api.mutate("updateTool", "UpdateToolInput", id=tool["id"])
    build_id = updated["build"]["id"]
    deadline = asyncio.get_running_loop().time() + 60
    # The new container starts beside the old one, which answers all along.
    while (await api.build(build_id))["status"] != "STARTING" or len(
        docker_view.containers(name)
    ) < 2:
        assert asyncio.get_running_loop().time() < deadline
        assert await served(tool["url"] + "/index.html") == "version one"
        await asyncio.sleep(0.2)

    cancelled = await api.mutate("cancelBuild", "CancelBuildInput", id=build_id)
    assert cancelled["errors"] == []
    assert (await api.wait_for_build(build_id, within=10))["status"] == "CANCELLED"
    assert [container.id for container in docker_view.containers(name)] == [serving.id]
    assert [image.tags for image in docker_view.images(name)] == [[f"machete/{name}:1"]]
    after = await api.tool(tool["id"])
    assert after is not None and after["status"] == "RUNNING"
    assert after["currentBuild"]["id"] == first["id"]
    assert after["hostPort"] == tool["hostPort"]
    assert await served(tool["url"] + "/index.html") == "version one"

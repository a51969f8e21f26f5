"""Bad sources, bad manifests and unsafe volumes: each refused clearly, leaving nothing behind."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.e2e.conftest import running_server, sign_in
from tests.e2e.server import GraphQLClient, RunningServer
from tests.e2e.tools import (
    ERRORS,
    DockerView,
    ToolsApi,
    data_dir,
    unique_name,
    workspaces,
)
from tests.fixtures.repos import THREE_MISTAKES, make_tool_repo, tool_files

pytestmark = pytest.mark.timeout(300)

VALIDATE = f"""
mutation($input: ValidateManifestInput!) {{
  validateManifest(input: $input) {{
    plan {{ name image port healthCheck environmentKeys volumes memoryMib cpus pidsLimit }}
    {ERRORS}
  }}
}}"""


@pytest.fixture
def api(client: GraphQLClient, role_tokens: dict[str, dict]) -> ToolsApi:
    return ToolsApi(client, role_tokens["MAINTAINER"]["accessToken"])


async def validate(api: ToolsApi, **input: object) -> dict:
    return (await api.run(VALIDATE, {"input": input}))["validateManifest"]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def failed_install(api: ToolsApi, name: str, repo_url: str, **input: object) -> dict:
    payload = await api.install(repoUrl=repo_url, name=name, **input)
    assert payload["errors"] == [], payload
    build = await api.wait_for_build(payload["build"]["id"])
    assert build["status"] == "FAILED", build
    return build


def assert_nothing_left(server: RunningServer, docker_view: DockerView, name: str) -> None:
    assert workspaces(server) == []
    assert docker_view.containers(name) == []
    assert docker_view.images(name) == []


async def test_a_valid_repository_validates_to_a_plan_without_creating_anything(
    api: ToolsApi,
    tmp_path: Path,
    server: RunningServer,
    docker_view: DockerView,
) -> None:
    name = unique_name("plan")
    result = await validate(api, repoUrl=make_tool_repo(tmp_path, name=name).url)
    assert result["errors"] == []
    assert result["plan"] == {
        "name": name,
        "image": f"machete/{name}:1",
        "port": 8080,
        "healthCheck": "/health",
        "environmentKeys": ["GREETING", "EQUATION"],
        "volumes": [],
        "memoryMib": 512,
        "cpus": 1.0,
        "pidsLimit": 256,
    }
    assert await api.run("query($n: String!) { tool(name: $n) { id } }", {"n": name}) == {
        "tool": None
    }
    assert_nothing_left(server, docker_view, name)


@pytest.mark.parametrize(
    ("missing", "code"),
    [("machete.yml", "MANIFEST_MISSING"), ("Dockerfile", "DOCKERFILE_MISSING")],
)
async def test_a_repository_without_a_required_file_is_refused_naming_it(
    api: ToolsApi,
    tmp_path: Path,
    server: RunningServer,
    docker_view: DockerView,
    cleanup_tools: list[str],
    missing: str,
    code: str,
) -> None:
    name = unique_name("missing")
    cleanup_tools.append(name)
    files = {k: v for k, v in tool_files(name).items() if k != missing}
    repo = make_tool_repo(tmp_path, name=name)
    repo.commit({**files, missing: None}, f"drop {missing}")
    result = await validate(api, repoUrl=repo.url)
    assert result["plan"] is None
    assert [e["code"] for e in result["errors"]] == [code]
    assert missing in result["errors"][0]["message"]
    build = await failed_install(api, name, repo.url)
    assert build["failure"]["code"] == code and build["failure"]["phase"] == "CLONING"
    assert missing in build["failure"]["message"]
    assert_nothing_left(server, docker_view, name)


async def test_every_mistake_in_a_manifest_is_reported_with_its_line(
    api: ToolsApi,
    tmp_path: Path,
    server: RunningServer,
    docker_view: DockerView,
    cleanup_tools: list[str],
) -> None:
    name = unique_name("mistakes")
    cleanup_tools.append(name)
    repo = make_tool_repo(tmp_path, name=name, manifest=THREE_MISTAKES)
    result = await validate(api, repoUrl=repo.url)
    errors = result["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [
        (1, ["machete.yml", "name"]),
        (4, ["machete.yml", "machete", "prot"]),
        (7, ["machete.yml", "machete", "volumes", "0"]),
    ]
    assert 'did you mean "port"' in errors[1]["message"]
    assert errors[2]["code"] == "VOLUME_NOT_ALLOWED"
    build = await failed_install(api, name, repo.url)
    assert build["failure"]["code"] == "MANIFEST_INVALID"
    log = await api.log_text(build["id"])
    assert "line 1" in log and "line 4" in log and "line 7" in log
    assert_nothing_left(server, docker_view, name)


@pytest.mark.parametrize(
    "volume", ["../../etc:/x", "/etc:/x"], ids=["parent-escape", "absolute-host-path"]
)
async def test_a_volume_outside_the_tool_directory_is_refused(
    api: ToolsApi, tmp_path: Path, volume: str
) -> None:
    name = unique_name("volume")
    base = tool_files(name)["machete.yml"]
    assert isinstance(base, str)
    manifest = base + f'  volumes: ["{volume}"]\n'
    repo = make_tool_repo(tmp_path, name=name, manifest=str(manifest))
    result = await validate(api, repoUrl=repo.url)
    assert [e["code"] for e in result["errors"]] == ["VOLUME_NOT_ALLOWED"]
    assert volume.split(":")[0] in result["errors"][0]["message"]


async def test_a_symlink_escaping_the_tool_directory_is_refused_at_start(
    api: ToolsApi,
    tmp_path: Path,
    server: RunningServer,
    docker_view: DockerView,
    cleanup_tools: list[str],
) -> None:
    name = unique_name("symlink")
    cleanup_tools.append(name)
    outside = tmp_path / "outside"
    outside.mkdir()
    tool_dir = data_dir(server) / "tools" / name
    tool_dir.mkdir(parents=True)
    (tool_dir / "data").symlink_to(outside)
    base = tool_files(name)["machete.yml"]
    assert isinstance(base, str)
    manifest = base + '  volumes: ["./data:/app/data"]\n'
    repo = make_tool_repo(tmp_path / "repo", name=name, manifest=str(manifest))
    build = await failed_install(api, name, repo.url)
    assert build["failure"]["code"] == "VOLUME_NOT_ALLOWED"
    assert docker_view.containers(name) == []
    assert list(outside.iterdir()) == []


async def test_a_ref_that_does_not_exist_fails_the_build_with_ref_not_found(
    api: ToolsApi,
    tmp_path: Path,
    server: RunningServer,
    docker_view: DockerView,
) -> None:
    name = unique_name("noref")
    repo = make_tool_repo(tmp_path, name=name)
    build = await failed_install(api, name, repo.url, ref="no-such-branch")
    assert build["failure"]["code"] == "REF_NOT_FOUND"
    assert "no-such-branch" in build["failure"]["message"]
    assert_nothing_left(server, docker_view, name)


async def test_an_unreachable_repository_fails_the_build_without_echoing_credentials(
    api: ToolsApi,
    server: RunningServer,
    docker_view: DockerView,
) -> None:
    name = unique_name("unreachable")
    url = f"https://user:hunter2-token@127.0.0.1:{closed_port()}/team/tool.git"
    build = await failed_install(api, name, url)
    assert build["failure"]["code"] == "REPOSITORY_UNREACHABLE"
    tool = await api.run("query($n: String!) { tool(name: $n) { repoUrl } }", {"n": name})
    log = await api.log_text(build["id"])
    for shown in (build["failure"]["message"], log, tool["tool"]["repoUrl"]):
        assert "hunter2" not in shown
    assert_nothing_left(server, docker_view, name)


@pytest.mark.parametrize(
    ("input", "code", "field"),
    [
        ({"repoUrl": "ext::sh -c touch% /tmp/pwned"}, "INVALID_REPO_URL", "repoUrl"),
        (
            {"repoUrl": "https://example.invalid/x.git", "ref": "-upload-pack=x"},
            "INVALID_REF",
            "ref",
        ),
        ({"repoUrl": "--upload-pack=touch /tmp/x"}, "INVALID_REPO_URL", "repoUrl"),
    ],
    ids=["ext-transport", "option-like-ref", "option-like-url"],
)
async def test_dangerous_sources_are_refused_before_any_io(
    api: ToolsApi, server: RunningServer, input: dict, code: str, field: str
) -> None:
    name = unique_name("refused")
    payload = await api.install(name=name, **input)
    assert payload["tool"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, ["input", field])]
    assert await api.run("query($n: String!) { tool(name: $n) { id } }", {"n": name}) == {
        "tool": None
    }
    assert workspaces(server) == []


async def test_local_repositories_are_refused_when_the_setting_is_off(tmp_path: Path) -> None:
    repo = make_tool_repo(tmp_path / "repo", name="local-off")
    (tmp_path / "server").mkdir()
    async with running_server(
        tmp_path / "server",
        MACHETE_ADMIN_USERNAME="admin",
        MACHETE_ADMIN_PASSWORD="correct-horse-for-tests",
    ) as server:
        client = GraphQLClient(server.graphql_url)
        try:
            session = await sign_in(client, "admin", "correct-horse-for-tests")
            api = ToolsApi(client, session["accessToken"])
            payload = await api.install(repoUrl=repo.url, name="local-off")
            result = await validate(api, repoUrl=repo.url)
        finally:
            await client.close()
    for errors in (payload["errors"], result["errors"]):
        assert [e["code"] for e in errors] == ["INVALID_REPO_URL"]
        assert "MACHETE_ALLOW_LOCAL_REPOS" in errors[0]["message"]
    assert not (tmp_path / "server" / "data" / "workspaces").exists() or not list(
        (tmp_path / "server" / "data" / "workspaces").iterdir()
    )

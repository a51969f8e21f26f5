from __future__ import annotations

from pathlib import Path

import pytest

from domain.builds.model import BuildStatus, BuildTrigger
from domain.errors import ErrorCode, Forbidden, ValidationFailed
from domain.tools.access_level import ToolAccess
from domain.tools.commands import InstallTool
from domain.tools.installation import ToolInstaller
from domain.tools.secrets import REPO_URL_SECRET
from domain.tools.status import DesiredState, ToolStatus
from domain.users.model import Role
from tests.unit.tool_fakes import ToolWorld, a_user

REPO = "https://git.example.com/team/hello.git"
MAINTAINER = a_user(Role.MAINTAINER)


@pytest.fixture
def world(tmp_path: Path) -> ToolWorld:
    return ToolWorld(tmp_path)


@pytest.fixture
def tools(world: ToolWorld) -> ToolInstaller:
    return world.tool_service()


async def test_a_viewer_may_not_install_a_tool(world: ToolWorld, tools: ToolInstaller) -> None:
    with pytest.raises(Forbidden):
        await tools.install_tool(a_user(Role.VIEWER, "vera"), InstallTool(REPO))
    assert (world.store.tools, world.store.builds, world.signals.queued) == ({}, {}, [])


async def test_a_tool_is_installed_open_to_viewers_unless_another_level_is_asked(
    world: ToolWorld, tools: ToolInstaller
) -> None:
    default, _ = await tools.install_tool(MAINTAINER, InstallTool(REPO, name="default"))
    command = InstallTool(REPO, name="guarded", access=ToolAccess.MAINTAINER)
    guarded, _ = await tools.install_tool(MAINTAINER, command)
    assert world.tool(default.id).access is ToolAccess.VIEWER
    assert world.tool(guarded.id).access is ToolAccess.MAINTAINER


async def test_every_invalid_input_is_reported_at_once(
    world: ToolWorld, tools: ToolInstaller
) -> None:
    command = InstallTool(
        "ftp://git.example.com/team/hello.git",
        ref="bad..ref",
        name="Not A Name",
        environment={"1BAD": "x", "PORT": "80"},
    )
    with pytest.raises(ValidationFailed) as caught:
        await tools.install_tool(MAINTAINER, command)
    fields = sorted((problem.code, problem.field) for problem in caught.value.problems)
    assert fields == [
        (ErrorCode.INVALID_INPUT, ("environment",)),
        (ErrorCode.INVALID_INPUT, ("environment",)),
        (ErrorCode.INVALID_INPUT, ("name",)),
        (ErrorCode.INVALID_REF, ("ref",)),
        (ErrorCode.INVALID_REPO_URL, ("repo_url",)),
    ]
    assert world.store.tools == {}


async def test_name_and_variable_problems_are_reported_together_for_a_valid_source(
    world: ToolWorld, tools: ToolInstaller
) -> None:
    command = InstallTool(REPO, name="-x", environment={"A B": "1"}, secrets={"PORT": "s"})
    with pytest.raises(ValidationFailed) as caught:
        await tools.install_tool(MAINTAINER, command)
    assert [problem.field for problem in caught.value.problems] == [
        ("name",),
        ("environment",),
        ("secrets",),
    ]
    assert world.store.tools == {}


async def test_the_name_is_derived_from_the_repository_url_when_omitted(
    tools: ToolInstaller,
) -> None:
    tool, _ = await tools.install_tool(
        MAINTAINER, InstallTool("https://git.example.com/team/My_Tool.git")
    )
    assert tool.name == "my-tool"


async def test_a_second_tool_with_the_same_name_is_refused_as_name_taken(
    world: ToolWorld, tools: ToolInstaller
) -> None:
    await tools.install_tool(MAINTAINER, InstallTool(REPO))
    with pytest.raises(ValidationFailed) as caught:
        await tools.install_tool(MAINTAINER, InstallTool("https://other.example.com/x/hello"))
    assert [(p.code, p.field) for p in caught.value.problems] == [(ErrorCode.NAME_TAKEN, ("name",))]
    assert len(world.store.tools) == len(world.store.builds) == 1


async def test_two_tools_get_different_free_host_ports(
    world: ToolWorld, tools: ToolInstaller
) -> None:
    low = world.policy.port_range[0]
    world.ports.busy = {low + 1}  # something else listens there
    first, _ = await tools.install_tool(MAINTAINER, InstallTool(REPO, name="one"))
    second, _ = await tools.install_tool(MAINTAINER, InstallTool(REPO, name="two"))
    assert (first.host_port, second.host_port) == (low, low + 2)
    assert {t.host_port for t in world.store.tools.values()} == {low, low + 2}


async def test_a_credential_bearing_url_is_stored_only_encrypted(
    world: ToolWorld, tools: ToolInstaller
) -> None:
    secret_url = "https://alice:s3cret-token@git.example.com/team/hello.git"
    command = InstallTool(secret_url, secrets={"API_KEY": "k-123"})
    tool, _ = await tools.install_tool(MAINTAINER, command)

    stored = world.tool(tool.id)
    assert stored.repo_url == tool.repo_url == "https://git.example.com/team/hello.git"
    sealed = world.store.tool_secrets[(tool.id, REPO_URL_SECRET)].ciphertext
    assert b"s3cret-token" not in sealed
    assert world.cipher.decrypt(sealed) == secret_url
    assert await world.catalog().secret_names(tool.id) == ["API_KEY"]
    assert all("s3cret" not in repr(event.detail) for event in world.store.audit)


async def test_a_url_without_credentials_keeps_no_internal_secret(
    world: ToolWorld, tools: ToolInstaller
) -> None:
    tool, _ = await tools.install_tool(MAINTAINER, InstallTool(REPO))
    assert world.store.tool_secrets == {}
    assert tool.repo_url == REPO


async def test_install_queues_build_number_one_and_signals_only_after_commit(
    world: ToolWorld, tools: ToolInstaller
) -> None:
    tool, build = await tools.install_tool(MAINTAINER, InstallTool(REPO, ref="main"))

    stored = world.build(build.id)
    assert (stored.status, stored.number, stored.trigger) == (
        BuildStatus.QUEUED,
        1,
        BuildTrigger.INSTALL,
    )
    assert (stored.tool_id, stored.ref, stored.requested_by_id) == (tool.id, "main", MAINTAINER.id)
    assert (tool.status, tool.desired_state) == (ToolStatus.PENDING, DesiredState.RUNNING)
    assert world.signals.queued == [{build.id}], "signalled once, with the build committed"
    assert [event.action for event in world.store.audit] == ["tool.installed"]


async def test_the_same_idempotency_key_replays_the_same_build(
    world: ToolWorld, tools: ToolInstaller
) -> None:
    command = InstallTool(REPO, idempotency_key="install-1")
    first_tool, first = await tools.install_tool(MAINTAINER, command)
    again_tool, again = await tools.install_tool(MAINTAINER, command)
    assert (again_tool.id, again.id) == (first_tool.id, first.id)
    assert (len(world.store.tools), len(world.store.builds)) == (1, 1)


async def test_a_different_idempotency_key_for_the_same_name_is_name_taken(
    tools: ToolInstaller,
) -> None:
    await tools.install_tool(MAINTAINER, InstallTool(REPO, idempotency_key="one"))
    with pytest.raises(ValidationFailed) as caught:
        await tools.install_tool(MAINTAINER, InstallTool(REPO, idempotency_key="two"))
    assert caught.value.code is ErrorCode.NAME_TAKEN

"""Setting who may open a tool (maintainers) and its custom domains (admins)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from domain.errors import ErrorCode, Forbidden, NotFound, ValidationFailed
from domain.events import ToolChanged
from domain.gateway.addresses import PublicAddresses
from domain.gateway.routes import RouteTable
from domain.tools.access_level import ToolAccess
from domain.tools.exposure import ToolExposure
from domain.users.model import Role
from tests.unit.tool_fakes import ToolWorld, a_user

ADMIN = a_user(Role.ADMIN, "ada")
MAINTAINER = a_user(Role.MAINTAINER, "mara")
VIEWER = a_user(Role.VIEWER, "vera")


@pytest.fixture
def world(tmp_path: Path) -> ToolWorld:
    return ToolWorld(tmp_path, addresses=PublicAddresses(enabled=True, base_domain="tools.test"))


@pytest.fixture
def exposure(world: ToolWorld) -> ToolExposure:
    return world.services().exposure


def hosts_served(world: ToolWorld) -> dict[str, tuple[str, ...]]:
    table = world.gateway.table
    assert table is not None
    return {route.name: route.hosts for route in table.routes}


async def test_a_maintainer_sets_the_access_level_and_the_gateway_gets_it(
    world: ToolWorld, exposure: ToolExposure
) -> None:
    tool, _ = await world.installed()
    assert tool.access is ToolAccess.VIEWER
    world.store.published.clear()
    world.clock.advance(seconds=5)
    changed = await exposure.set_access(MAINTAINER, tool.id, ToolAccess.MAINTAINER)

    stored = world.tool(tool.id)
    assert changed == stored
    assert (stored.access, stored.updated_at) == (ToolAccess.MAINTAINER, world.clock.now())
    assert world.store.published == [ToolChanged(tool.id)]
    assert world.gateway.table == RouteTable.of([stored], world.addresses)
    assert [route.access for route in world.gateway.table.routes] == [ToolAccess.MAINTAINER]
    audit = world.store.audit[-1]
    assert (audit.action, audit.actor_id, audit.target_id) == (
        "tool.access_set",
        MAINTAINER.id,
        str(tool.id),
    )
    assert audit.detail == {"name": "hello", "access": "MAINTAINER", "before": "VIEWER"}


async def test_an_admin_may_set_the_access_level_but_a_viewer_may_not(
    world: ToolWorld, exposure: ToolExposure
) -> None:
    tool, _ = await world.installed()
    await exposure.set_access(ADMIN, tool.id, ToolAccess.PUBLIC)
    assert world.tool(tool.id).access is ToolAccess.PUBLIC
    commits = world.store.commits
    with pytest.raises(Forbidden):
        await exposure.set_access(VIEWER, tool.id, ToolAccess.ADMIN)
    assert (world.tool(tool.id).access, world.store.commits) == (ToolAccess.PUBLIC, commits)


async def test_setting_the_level_a_tool_already_has_changes_nothing(
    world: ToolWorld, exposure: ToolExposure
) -> None:
    tool, _ = await world.installed()
    commits, audited = world.store.commits, len(world.store.audit)
    assert await exposure.set_access(MAINTAINER, tool.id, ToolAccess.VIEWER) == tool
    assert (world.store.commits, len(world.store.audit), world.gateway.applied) == (
        commits,
        audited,
        [],
    )


async def test_an_unknown_tool_is_not_found(exposure: ToolExposure) -> None:
    with pytest.raises(NotFound) as caught:
        await exposure.set_access(MAINTAINER, uuid.uuid4(), ToolAccess.ADMIN)
    assert caught.value.field == ("id",)
    with pytest.raises(NotFound):
        await exposure.set_domains(ADMIN, uuid.uuid4(), ["a.example.com"])


async def test_an_admin_sets_custom_domains_normalized_and_the_gateway_serves_them(
    world: ToolWorld, exposure: ToolExposure
) -> None:
    tool, _ = await world.installed()
    world.store.published.clear()
    changed = await exposure.set_domains(ADMIN, tool.id, ["Wiki.Example.com.", "docs.example.com"])

    stored = world.tool(tool.id)
    assert changed == stored
    assert stored.domains == ("docs.example.com", "wiki.example.com")
    assert world.store.published == [ToolChanged(tool.id)]
    assert hosts_served(world) == {
        "hello": ("hello.tools.test", "docs.example.com", "wiki.example.com")
    }
    audit = world.store.audit[-1]
    assert (audit.action, audit.detail) == (
        "tool.domains_set",
        {"name": "hello", "domains": ["docs.example.com", "wiki.example.com"], "before": []},
    )

    await exposure.set_domains(ADMIN, tool.id, [])
    assert world.tool(tool.id).domains == ()
    assert hosts_served(world) == {"hello": ("hello.tools.test",)}


async def test_only_admins_set_custom_domains(world: ToolWorld, exposure: ToolExposure) -> None:
    tool, _ = await world.installed()
    for actor in (MAINTAINER, VIEWER):
        with pytest.raises(Forbidden):
            await exposure.set_domains(actor, tool.id, ["docs.example.com"])
    assert world.tool(tool.id).domains == ()


async def test_invalid_domains_are_refused_before_the_tool_is_even_read(
    world: ToolWorld, exposure: ToolExposure
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        # An unknown tool: validation answers first, so nothing was looked up.
        await exposure.set_domains(ADMIN, uuid.uuid4(), ["ok.example.com", "wiki.tools.test"])
    assert [(p.code, p.field) for p in caught.value.problems] == [
        (ErrorCode.INVALID_INPUT, ("domains", "1"))
    ]


async def test_a_domain_another_tool_has_is_refused_naming_it(
    world: ToolWorld, exposure: ToolExposure
) -> None:
    wiki, _ = await world.installed("wiki")
    docs, _ = await world.installed("docs")
    await exposure.set_domains(ADMIN, wiki.id, ["wiki.example.com", "kb.example.com"])
    commits = world.store.commits
    with pytest.raises(ValidationFailed) as caught:
        await exposure.set_domains(ADMIN, docs.id, ["docs.example.com", "KB.example.com"])
    assert [(p.code, p.field, p.message) for p in caught.value.problems] == [
        (ErrorCode.NAME_TAKEN, ("domains",), "kb.example.com is already a domain of another tool.")
    ]
    assert (world.tool(docs.id).domains, world.store.commits) == ((), commits)
    # The tool that has it may keep it while changing its others.
    await exposure.set_domains(ADMIN, wiki.id, ["kb.example.com"])
    assert world.tool(wiki.id).domains == ("kb.example.com",)
    await exposure.set_domains(ADMIN, docs.id, ["wiki.example.com"])
    assert world.tool(docs.id).domains == ("wiki.example.com",)


async def test_a_gateway_that_is_down_does_not_undo_the_change(
    world: ToolWorld, exposure: ToolExposure
) -> None:
    tool, _ = await world.installed()
    world.gateway.down = True
    await exposure.set_access(MAINTAINER, tool.id, ToolAccess.ADMIN)
    await exposure.set_domains(ADMIN, tool.id, ["admin.example.com"])
    stored = world.tool(tool.id)
    assert (stored.access, stored.domains) == (ToolAccess.ADMIN, ("admin.example.com",))
    assert world.gateway.applied == []
    world.gateway.down = False
    await world.services().routes.apply()  # what the supervisor does when it is back
    assert hosts_served(world) == {"hello": ("hello.tools.test", "admin.example.com")}

"""A tool's secrets, and what deleting the tool takes with it."""

from __future__ import annotations

from domain.builds.model import Build
from domain.ports import UnitOfWork
from domain.tools.health import HealthCheck
from domain.tools.model import Tool
from domain.tools.secrets import ToolSecret
from tests.contract.backends import Backend
from tests.contract.rows import NOW, a_build, a_tool, at, given, lines


async def test_secrets_are_listed_by_name_and_a_put_replaces_the_value(backend: Backend) -> None:
    tool, other = a_tool("secretive"), a_tool("other")
    await given(
        backend.uow,
        tool,
        other,
        ToolSecret(tool.id, "TOKEN", b"old", NOW),
        ToolSecret(tool.id, "API_KEY", b"key", NOW),
        ToolSecret(other.id, "TOKEN", b"theirs", NOW),
    )
    await given(backend.uow, ToolSecret(tool.id, "TOKEN", b"new", at(1)))
    async with backend.uow() as work:
        assert await work.tool_secrets.for_tool(tool.id) == [
            ToolSecret(tool.id, "API_KEY", b"key", NOW),
            ToolSecret(tool.id, "TOKEN", b"new", at(1)),
        ]


async def test_deleting_a_secret_says_whether_there_was_one(backend: Backend) -> None:
    tool = a_tool("forgetful")
    await given(backend.uow, tool, ToolSecret(tool.id, "TOKEN", b"x", NOW))
    async with backend.uow() as work:
        assert [
            await work.tool_secrets.delete(tool.id, "TOKEN"),
            await work.tool_secrets.delete(tool.id, "TOKEN"),
            await work.tool_secrets.delete(tool.id, "NEVER"),
        ] == [True, False, False]
        await work.commit()
    async with backend.uow() as work:
        assert await work.tool_secrets.for_tool(tool.id) == []


async def store_records(work: UnitOfWork, tool: Tool) -> list[Build]:
    """Two builds of three log lines each, two secrets and a health check."""
    builds = [a_build(tool, 1), a_build(tool, 2)]
    await work.tools.add(tool)
    for build in builds:
        await work.builds.add(build)
        await work.build_logs.append(build.id, lines(1, 2, 3))
    await work.tool_secrets.put(ToolSecret(tool.id, "A", b"a", NOW))
    await work.tool_secrets.put(ToolSecret(tool.id, "B", b"b", NOW))
    await work.health_checks.add(HealthCheck(tool.id, NOW, True, 200, 3))
    return builds


async def what_remains(backend: Backend, tool: Tool, builds: list[Build]) -> dict[str, int]:
    async with backend.uow() as work:
        return {
            "tools": len(await work.tools.get_many([tool.id])),
            "builds": len(await work.builds.get_many([build.id for build in builds])),
            "log lines": sum([len(await work.build_logs.read(b.id, 0, 100)) for b in builds]),
            "secrets": len(await work.tool_secrets.for_tool(tool.id)),
            "health checks": len(await work.health_checks.latest(tool.id, 100)),
        }


ALL = {"tools": 1, "builds": 2, "log lines": 6, "secrets": 2, "health checks": 1}
NONE = dict.fromkeys(ALL, 0)


async def test_deleting_a_tool_deletes_its_builds_log_lines_secrets_and_checks_only(
    backend: Backend,
) -> None:
    doomed, kept = a_tool("doomed"), a_tool("kept")
    async with backend.uow() as work:
        doomed_builds = await store_records(work, doomed)
        kept_builds = await store_records(work, kept)
        await work.commit()
    async with backend.uow() as work:
        await work.tools.delete(doomed)
        await work.commit()
    assert await what_remains(backend, doomed, doomed_builds) == NONE
    assert await what_remains(backend, kept, kept_builds) == ALL


async def test_deleting_a_tool_takes_the_records_added_in_the_same_unit_of_work(
    backend: Backend,
) -> None:
    tool = a_tool("short-lived")
    async with backend.uow() as work:
        builds = await store_records(work, tool)
        await work.tools.delete(tool)
        await work.commit()
    assert await what_remains(backend, tool, builds) == NONE

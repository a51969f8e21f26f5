"""The tool repositories against the real database of the run (SQLite or PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from domain.builds.model import Build, BuildTrigger, LogLine, LogStream
from domain.errors import ErrorCode, ValidationFailed
from domain.paging import Page
from domain.ports import ToolFilter, UnitOfWorkFactory
from domain.tools.health import HealthCheck
from domain.tools.host_ports import HostPortTaken
from domain.tools.model import Tool
from domain.tools.secrets import ToolSecret
from domain.tools.status import DesiredState, ToolStatus
from domain.users.model import Role, User
from infra.bootstrap import Application
from infra.db.engine import create_session_factory
from infra.db.rows import BuildLogLineRow, BuildRow, HealthCheckRow, ToolSecretRow
from infra.db.unit_of_work import SqlAlchemyUnitOfWork

NOW = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
_ports = iter(range(20000, 30000))


def make_tool(
    name: str,
    *,
    created_at: datetime = NOW,
    host_port: int | None = None,
    **fields: Any,
) -> Tool:
    port = host_port if host_port is not None else next(_ports)
    return Tool(
        name,
        f"https://git.example.com/{name}.git",
        None,
        None,
        port,
        created_at,
        created_at,
        **fields,
    )


@pytest.fixture
def uow(application: Application) -> UnitOfWorkFactory:
    factory = create_session_factory(application.database)
    return lambda **_: SqlAlchemyUnitOfWork(factory)


async def add_tools(uow: UnitOfWorkFactory, *tools: Tool) -> None:
    async with uow() as work:
        for tool in tools:
            await work.tools.add(tool)
        await work.commit()


async def test_a_tool_round_trips_every_field_through_add_get_get_by_name_and_save(
    uow: UnitOfWorkFactory,
) -> None:
    owner = User("owner", "owner@example.com", "hash", Role.ADMIN, NOW, NOW)
    tool = make_tool(
        "full-tool",
        status=ToolStatus.RUNNING,
        desired_state=DesiredState.STOPPED,
        description="Résumé builder — 100% offline",
        category="documents",
        commit_sha="a" * 40,
        current_build_id=uuid.uuid4(),
        manifest={
            "name": "full-tool",
            "version": "1.2.3",
            "machete": {"health_check": "/health", "category": "documents", "port": 8080},
            "env": [{"name": "MODE", "default": None, "required": False}],
            "tags": ["ünïcode", "emoji 🚀"],
        },
        environment={"MODE": "fast", "EMPTY": "", "QUOTE": 'a "quoted" value'},
        created_by_id=owner.id,
    )
    tool.ref, tool.subdir = "v1.2.3", "services/api"
    tool.updated_at = NOW + timedelta(seconds=1, microseconds=7)
    async with uow() as work:
        await work.users.add(owner)
        await work.tools.add(tool)
        await work.commit()

    async with uow() as work:
        by_id = await work.tools.get(tool.id)
        by_name = await work.tools.get_by_name("full-tool")
    assert by_id == tool, "get() must return every stored field unchanged"
    assert by_name == tool, "get_by_name() must return every stored field unchanged"
    assert by_id.created_at.tzinfo is not None and by_id.updated_at == tool.updated_at

    by_id.status, by_id.desired_state = ToolStatus.UNHEALTHY, DesiredState.RUNNING
    by_id.ref, by_id.subdir, by_id.description, by_id.category = None, None, None, None
    by_id.commit_sha, by_id.current_build_id = "b" * 40, uuid.uuid4()
    by_id.manifest = {"name": "full-tool", "nested": {"list": [1, 2.5, True, None]}}
    by_id.environment = {"ONLY": "this"}
    by_id.host_port = next(_ports)
    by_id.updated_at = NOW + timedelta(hours=1)
    async with uow() as work:
        await work.tools.save(by_id)
        await work.commit()
    async with uow() as work:
        assert await work.tools.get(tool.id) == by_id, "save() must persist every changed field"
        assert await work.tools.get_by_name("missing") is None
        assert await work.tools.get(uuid.uuid4()) is None


async def test_a_duplicate_name_raises_validation_failed_name_taken(uow: UnitOfWorkFactory) -> None:
    await add_tools(uow, make_tool("twin"))
    with pytest.raises(ValidationFailed) as caught:
        async with uow() as work:
            await work.tools.add(make_tool("twin"))
    problem = caught.value.problems[0]
    assert (problem.code, problem.field) == (ErrorCode.NAME_TAKEN, ("name",))
    async with uow() as work:
        assert len(await work.tools.page(Page(10), ToolFilter())) == 1


async def test_a_duplicate_host_port_raises_host_port_taken(uow: UnitOfWorkFactory) -> None:
    await add_tools(uow, make_tool("first", host_port=18080))
    with pytest.raises(HostPortTaken) as caught:
        async with uow() as work:
            await work.tools.add(make_tool("second", host_port=18080))
    assert caught.value.code is ErrorCode.CONFLICT
    async with uow() as work:
        assert await work.tools.get_by_name("second") is None


async def test_page_filters_by_status_category_and_case_insensitive_search(
    uow: UnitOfWorkFactory,
) -> None:
    pdf = make_tool(
        "Alpha-Tool", description="Converts PDF files", category="docs", status=ToolStatus.RUNNING
    )
    offline = make_tool("beta_tool", description="100% offline", category="docs")
    image = make_tool(
        "gamma", description="Image resizer", category="media", status=ToolStatus.RUNNING
    )
    await add_tools(uow, pdf, offline, image)

    async def names(**filters: Any) -> set[str]:
        async with uow() as work:
            return {tool.name for tool in await work.tools.page(Page(50), ToolFilter(**filters))}

    assert await names(status=ToolStatus.RUNNING) == {"Alpha-Tool", "gamma"}
    assert await names(category="docs") == {"Alpha-Tool", "beta_tool"}
    assert await names(status=ToolStatus.RUNNING, category="docs") == {"Alpha-Tool"}
    assert await names(search="pdf") == {"Alpha-Tool"}, "search matches descriptions, any case"
    assert await names(search="ALPHA") == {"Alpha-Tool"}, "search matches names, any case"
    assert await names(search="IMAGE", category="media") == {"gamma"}
    assert await names(search="nothing-like-this") == set()


async def test_a_search_containing_percent_or_underscore_is_matched_literally(
    uow: UnitOfWorkFactory,
) -> None:
    await add_tools(
        uow,
        make_tool("alpha-tool", description="plain text"),
        make_tool("beta_tool", description="100% offline"),
        make_tool("gamma", description="percent-free"),
    )

    async def names(search: str) -> set[str]:
        async with uow() as work:
            return {
                tool.name for tool in await work.tools.page(Page(50), ToolFilter(search=search))
            }

    assert await names("%") == {"beta_tool"}, "% must not be a wildcard"
    assert await names("a_t") == {"beta_tool"}, "_ must not match the '-' in alpha-tool"
    assert await names("0% o") == {"beta_tool"}
    assert await names("\\") == set(), "a backslash is matched literally too"


async def test_keyset_pagination_returns_each_tool_once_in_created_order(
    uow: UnitOfWorkFactory,
) -> None:
    # Pairs share a created_at, so the id must break ties for the cursor to be exact.
    tools = [make_tool(f"paged-{i}", created_at=NOW + timedelta(seconds=i // 2)) for i in range(7)]
    await add_tools(uow, *tools)
    seen: list[Tool] = []
    after = None
    for _ in range(10):
        async with uow() as work:
            page = await work.tools.page(Page(3, after), ToolFilter())
        if not page:
            break
        assert len(page) <= 3
        seen.extend(page)
        after = (page[-1].created_at, page[-1].id)
    expected = sorted(tools, key=lambda tool: (tool.created_at, tool.id))
    assert [tool.id for tool in seen] == [tool.id for tool in expected]


async def test_keyset_pagination_combines_with_filters(uow: UnitOfWorkFactory) -> None:
    tools = [
        make_tool(f"mixed-{i}", created_at=NOW + timedelta(seconds=i), category=("a", "b")[i % 2])
        for i in range(6)
    ]
    await add_tools(uow, *tools)
    async with uow() as work:
        docs = ToolFilter(category="a")
        first = await work.tools.page(Page(2), docs)
        rest = await work.tools.page(Page(10, (first[-1].created_at, first[-1].id)), docs)
    assert [tool.name for tool in first + rest] == ["mixed-0", "mixed-2", "mixed-4"]


async def test_used_host_ports_lists_every_allocated_port(uow: UnitOfWorkFactory) -> None:
    await add_tools(
        uow,
        make_tool("p1", host_port=18001),
        make_tool("p2", host_port=18002),
        make_tool("p3", host_port=18100),
    )
    async with uow() as work:
        assert await work.tools.used_host_ports() == {18001, 18002, 18100}


async def test_running_lists_only_tools_desired_running_with_a_current_build(
    uow: UnitOfWorkFactory,
) -> None:
    await add_tools(
        uow,
        make_tool("runs", current_build_id=uuid.uuid4(), status=ToolStatus.UNHEALTHY),
        make_tool("never-built"),
        make_tool("stopped", desired_state=DesiredState.STOPPED, current_build_id=uuid.uuid4()),
    )
    async with uow() as work:
        assert [tool.name for tool in await work.tools.running()] == ["runs"]


async def count_rows(
    application: Application, column: InstrumentedAttribute, value: uuid.UUID
) -> int:
    async with application.database.connect() as connection:
        query = select(func.count()).select_from(column.class_).where(column == value)
        return int((await connection.execute(query)).scalar_one())


async def populate(uow: UnitOfWorkFactory, tool: Tool) -> list[Build]:
    builds = [Build(tool.id, n, BuildTrigger.INSTALL, None, NOW) for n in (1, 2)]
    async with uow() as work:
        await work.tools.add(tool)
        for build in builds:
            await work.builds.add(build)
            lines = [LogLine(seq, LogStream.STDOUT, NOW, f"line {seq}") for seq in (1, 2, 3)]
            await work.build_logs.append(build.id, lines)
        await work.tool_secrets.put(ToolSecret(tool.id, "TOKEN", b"cipher", NOW))
        await work.tool_secrets.put(ToolSecret(tool.id, "OTHER", b"cipher", NOW))
        await work.health_checks.add(HealthCheck(tool.id, NOW, True, 200, 3))
        await work.commit()
    return builds


async def stored(application: Application, tool: Tool, builds: list[Build]) -> dict[str, int]:
    return {
        "builds": await count_rows(application, BuildRow.tool_id, tool.id),
        "build_log_lines": sum(
            [await count_rows(application, BuildLogLineRow.build_id, b.id) for b in builds]
        ),
        "tool_secrets": await count_rows(application, ToolSecretRow.tool_id, tool.id),
        "health_checks": await count_rows(application, HealthCheckRow.tool_id, tool.id),
    }


async def test_deleting_a_tool_deletes_its_builds_log_lines_secrets_and_health_checks(
    uow: UnitOfWorkFactory, application: Application
) -> None:
    doomed, kept = make_tool("doomed"), make_tool("kept")
    doomed_builds = await populate(uow, doomed)
    kept_builds = await populate(uow, kept)
    full = {"builds": 2, "build_log_lines": 6, "tool_secrets": 2, "health_checks": 1}
    assert await stored(application, doomed, doomed_builds) == full

    async with uow() as work:
        await work.tools.delete(doomed)
        await work.commit()

    empty = dict.fromkeys(full, 0)
    assert await stored(application, doomed, doomed_builds) == empty, (
        "deleting a tool must cascade to its builds, log lines, secrets and health checks"
    )
    assert await stored(application, kept, kept_builds) == full, "another tool's rows stay"
    async with uow() as work:
        assert await work.tools.get(doomed.id) is None
        assert await work.tools.get(kept.id) is not None

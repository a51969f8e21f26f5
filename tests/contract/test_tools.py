"""The tool repository: what the catalog, the installer and the reconciler rely on."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from domain.errors import ErrorCode, ValidationFailed
from domain.paging import Page
from domain.ports import ToolFilter
from domain.tools.host_ports import HostPortTaken
from domain.tools.status import DesiredState, ToolStatus
from tests.contract.backends import Backend
from tests.contract.rows import a_tool, at, given


async def test_a_stored_tool_is_found_by_id_by_name_and_among_many(backend: Backend) -> None:
    alpha, beta = a_tool("alpha", description="first"), a_tool("beta")
    await given(backend.uow, alpha, beta)
    async with backend.uow() as work:
        assert await work.tools.get(alpha.id) == alpha
        assert await work.tools.lock(beta.id) == beta
        assert await work.tools.get_by_name("beta") == beta
        assert await work.tools.get_by_name("gamma") is None
        assert await work.tools.get(uuid.uuid4()) is None
        many = await work.tools.get_many([alpha.id, beta.id, uuid.uuid4()])
        assert sorted(many, key=lambda tool: tool.name) == [alpha, beta]
        assert await work.tools.get_many([]) == []


async def test_a_saved_tool_reads_back_with_every_change(backend: Backend) -> None:
    tool = a_tool("changing")
    await given(backend.uow, tool)
    tool.building(at(1))
    tool.set_environment({"MODE": "fast"}, at(2))
    tool.category, tool.manifest, tool.current_build_id = "docs", {"name": "x"}, uuid.uuid4()
    async with backend.uow() as work:
        await work.tools.save(tool)
        await work.commit()
    async with backend.uow() as work:
        assert await work.tools.get(tool.id) == tool


async def test_saving_a_tool_that_was_never_stored_raises_lookup_error(backend: Backend) -> None:
    async with backend.uow() as work:
        with pytest.raises(LookupError):
            await work.tools.save(a_tool("ghost"))


async def test_a_duplicate_name_raises_validation_failed_name_taken(backend: Backend) -> None:
    await given(backend.uow, a_tool("twin"))
    with pytest.raises(ValidationFailed) as caught:
        async with backend.uow() as work:
            await work.tools.add(a_tool("twin"))
    problems = [(p.code, p.field, p.message) for p in caught.value.problems]
    assert problems == [(ErrorCode.NAME_TAKEN, ("name",), "A tool with this name exists.")]


async def test_a_duplicate_host_port_raises_host_port_taken(backend: Backend) -> None:
    first = a_tool("first")
    await given(backend.uow, first)
    second = a_tool("second")
    second.host_port = first.host_port
    with pytest.raises(HostPortTaken):
        async with backend.uow() as work:
            await work.tools.add(second)
    async with backend.uow() as work:
        assert await work.tools.used_host_ports() == {first.host_port}


async def test_moving_a_tool_onto_another_tools_port_raises_host_port_taken(
    backend: Backend,
) -> None:
    first, second = a_tool("first"), a_tool("second")
    await given(backend.uow, first, second)
    ports = {first.host_port, second.host_port}
    second.serve_on(first.host_port, at(1))
    with pytest.raises(HostPortTaken):
        async with backend.uow() as work:
            await work.tools.save(second)
            await work.commit()
    async with backend.uow() as work:
        assert await work.tools.used_host_ports() == ports


async def test_pages_follow_created_at_then_id_after_the_cursor(backend: Backend) -> None:
    # Pairs share a created_at: the id breaks the tie, so the cursor is exact.
    tools = [a_tool(f"paged-{i}", created_at=at(i // 2)) for i in range(5)]
    await given(backend.uow, *tools)
    expected = sorted(tools, key=lambda tool: (tool.created_at, tool.id))
    async with backend.uow() as work:
        first = await work.tools.page(Page(2), ToolFilter())
        rest = await work.tools.page(Page(10, (first[-1].created_at, first[-1].id)), ToolFilter())
    assert (first, rest) == (expected[:2], expected[2:])


async def test_pages_filter_by_status_category_and_search_in_name_or_description(
    backend: Backend,
) -> None:
    pdf = a_tool("Alpha-Tool", description="Converts PDF", category="docs")
    offline = a_tool("beta_tool", description="100% offline", category="docs", created_at=at(1))
    image = a_tool("gamma", description="Image resizer", category="media", created_at=at(2))
    pdf.status = image.status = ToolStatus.RUNNING
    await given(backend.uow, pdf, offline, image)

    async def names(**filters: Any) -> list[str]:
        async with backend.uow() as work:
            return [tool.name for tool in await work.tools.page(Page(10), ToolFilter(**filters))]

    assert await names(status=ToolStatus.RUNNING) == ["Alpha-Tool", "gamma"]
    assert await names(category="docs") == ["Alpha-Tool", "beta_tool"]
    assert await names(status=ToolStatus.RUNNING, category="docs") == ["Alpha-Tool"]
    assert await names(search="pdf") == ["Alpha-Tool"]
    assert await names(search="ALPHA") == ["Alpha-Tool"]
    assert await names(search="IMAGE", category="media") == ["gamma"]
    assert await names(search="%") == ["beta_tool"]
    assert await names(search="a_t") == ["beta_tool"]
    assert await names(search="") == ["Alpha-Tool", "beta_tool", "gamma"]


async def test_used_host_ports_are_the_ports_of_every_stored_tool(backend: Backend) -> None:
    tools = [a_tool("p1"), a_tool("p2"), a_tool("p3")]
    await given(backend.uow, *tools)
    async with backend.uow() as work:
        assert await work.tools.used_host_ports() == {tool.host_port for tool in tools}


async def test_running_and_stopped_are_the_tools_with_an_image_by_desired_state(
    backend: Backend,
) -> None:
    image = uuid.uuid4()
    runs = a_tool("runs", current_build_id=image, status=ToolStatus.UNHEALTHY)
    stopped = a_tool("stopped", current_build_id=image, desired_state=DesiredState.STOPPED)
    removed = a_tool("removed", current_build_id=image, desired_state=DesiredState.REMOVED)
    never_built = a_tool("never-built")
    never_built_stopped = a_tool("never-built-stopped", desired_state=DesiredState.STOPPED)
    await given(backend.uow, runs, stopped, removed, never_built, never_built_stopped)
    async with backend.uow() as work:
        assert await work.tools.running() == [runs]
        assert await work.tools.stopped() == [stopped]

"""A tool's access level and custom domains: stored with the tool, and no domain on two tools."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import ErrorCode, ValidationFailed
from domain.paging import Page
from domain.ports import ToolFilter
from domain.tools.access_level import ToolAccess
from domain.tools.status import DesiredState
from tests.contract.backends import Backend
from tests.contract.rows import a_tool, at, given

TAKEN = (
    ErrorCode.NAME_TAKEN,
    ("domains",),
    "A domain of this tool is already a domain of another tool.",
)


def refusal(caught: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[object, ...]]:
    return [(p.code, p.field, p.message) for p in caught.value.problems]


async def test_a_new_tool_is_open_to_viewers_on_no_custom_domain(backend: Backend) -> None:
    tool = a_tool("plain")
    await given(backend.uow, tool)
    async with backend.uow() as work:
        stored = await work.tools.get(tool.id)
    assert stored is not None
    assert (stored.access, stored.domains) == (ToolAccess.VIEWER, ())


async def test_access_and_domains_read_back_from_every_kind_of_read(backend: Backend) -> None:
    image = uuid.uuid4()
    tool = a_tool(
        "exposed",
        access=ToolAccess.ADMIN,
        domains=("wiki.example.com", "docs.example.com"),
        current_build_id=image,
    )
    await given(backend.uow, tool)
    assert tool.domains == ("docs.example.com", "wiki.example.com")  # kept sorted
    async with backend.uow() as work:
        assert await work.tools.get(tool.id) == tool
        assert await work.tools.lock(tool.id) == tool
        assert await work.tools.get_by_name("exposed") == tool
        assert await work.tools.get_many([tool.id]) == [tool]
        assert await work.tools.page(Page(5), ToolFilter()) == [tool]
        assert await work.tools.running() == [tool]
        assert await work.tools.all() == [tool]


async def test_saving_changes_the_level_and_replaces_the_domains(backend: Backend) -> None:
    tool = a_tool("changing", domains=("a.example.com", "b.example.com"))
    await given(backend.uow, tool)
    tool.open_to(ToolAccess.PUBLIC, at(1))
    tool.answer_on(("c.example.com", "b.example.com"), at(1))
    async with backend.uow() as work:
        await work.tools.save(tool)
        await work.commit()
    async with backend.uow() as work:
        stored = await work.tools.lock(tool.id)
        assert stored == tool
        assert stored is not None and stored.domains == ("b.example.com", "c.example.com")
        assert await work.tools.domain_owners(["a.example.com", "b.example.com"]) == {
            "b.example.com": tool.id
        }
    tool.answer_on((), at(2))
    async with backend.uow() as work:
        await work.tools.save(tool)
        await work.commit()
    async with backend.uow() as work:
        assert await work.tools.get(tool.id) == tool
        assert await work.tools.domain_owners(["b.example.com", "c.example.com"]) == {}


async def test_domain_owners_names_the_tool_of_each_domain_it_knows(backend: Backend) -> None:
    wiki = a_tool("wiki", domains=("wiki.example.com", "kb.example.com"))
    docs = a_tool("docs", domains=("docs.example.com",))
    await given(backend.uow, wiki, docs, a_tool("bare"))
    async with backend.uow() as work:
        owners = await work.tools.domain_owners(
            {"kb.example.com", "docs.example.com", "nobody.example.com"}
        )
        assert owners == {"kb.example.com": wiki.id, "docs.example.com": docs.id}
        assert await work.tools.domain_owners([]) == {}


async def test_a_domain_another_tool_has_cannot_be_saved_on_a_tool(backend: Backend) -> None:
    wiki, docs = a_tool("wiki", domains=("kb.example.com",)), a_tool("docs")
    await given(backend.uow, wiki, docs)
    docs.answer_on(("docs.example.com", "kb.example.com"), at(1))
    with pytest.raises(ValidationFailed) as caught:
        async with backend.uow() as work:
            await work.tools.save(docs)
    assert refusal(caught) == [TAKEN]
    async with backend.uow() as work:
        stored = await work.tools.get(docs.id)
        assert stored is not None and stored.domains == ()
        assert await work.tools.domain_owners(["kb.example.com"]) == {"kb.example.com": wiki.id}


async def test_a_domain_another_tool_has_cannot_come_with_a_new_tool(backend: Backend) -> None:
    await given(backend.uow, a_tool("wiki", domains=("kb.example.com",)))
    with pytest.raises(ValidationFailed) as caught:
        async with backend.uow() as work:
            await work.tools.add(a_tool("copycat", domains=("kb.example.com",)))
    assert refusal(caught) == [TAKEN]
    async with backend.uow() as work:
        assert await work.tools.get_by_name("copycat") is None


async def test_a_domain_given_up_can_go_to_another_tool(backend: Backend) -> None:
    wiki, docs = a_tool("wiki", domains=("kb.example.com",)), a_tool("docs")
    await given(backend.uow, wiki, docs)
    wiki.answer_on((), at(1))
    async with backend.uow() as work:
        await work.tools.save(wiki)
        await work.commit()
    docs.answer_on(("kb.example.com",), at(2))
    async with backend.uow() as work:
        await work.tools.save(docs)
        await work.commit()
    async with backend.uow() as work:
        assert await work.tools.domain_owners(["kb.example.com"]) == {"kb.example.com": docs.id}


async def test_deleting_a_tool_frees_its_domains(backend: Backend) -> None:
    doomed = a_tool("doomed", domains=("old.example.com",), desired_state=DesiredState.REMOVED)
    await given(backend.uow, doomed)
    async with backend.uow() as work:
        await work.tools.delete(doomed)
        await work.commit()
    heir = a_tool("heir", domains=("old.example.com",))
    await given(backend.uow, heir)
    async with backend.uow() as work:
        assert await work.tools.domain_owners(["old.example.com"]) == {"old.example.com": heir.id}

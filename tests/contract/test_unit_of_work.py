"""The unit of work: a transaction that stores nothing unless committed, and publishes the
events of what it stored once, after the commit."""

from __future__ import annotations

import pytest

from domain.auth.model import ApiToken, TokenFamily
from domain.builds.model import Build, BuildStatus, BuildTrigger
from domain.events import (
    AccountChanged,
    BuildChanged,
    BuildLogAppended,
    BuildQueued,
    SessionEnded,
    ToolChanged,
)
from domain.tools.model import Tool
from tests.contract.backends import Backend
from tests.contract.rows import NOW, a_build, a_tool, a_user, at, given


def installed(name: str) -> Tool:
    return Tool.install(
        name=name,
        repo_url=f"https://git.example.com/{name}.git",
        ref=None,
        subdir=None,
        host_port=a_tool(name).host_port,
        environment={},
        created_by_id=None,
        now=NOW,
    )


async def test_an_uncommitted_change_is_invisible_to_the_next_unit_of_work(
    backend: Backend,
) -> None:
    user = a_user("ghost")
    async with backend.uow() as work:
        await work.users.add(user)
    async with backend.uow() as work:
        assert await work.users.get(user.id) is None


async def test_a_change_is_invisible_to_a_reader_until_it_is_committed(backend: Backend) -> None:
    user = a_user("slow")
    async with backend.uow() as writer:
        await writer.users.add(user)
        async with backend.uow(read_only=True) as reader:
            assert await reader.users.get(user.id) is None
        await writer.commit()
    async with backend.uow(read_only=True) as reader:
        assert await reader.users.get(user.id) == user


async def test_a_read_only_unit_of_work_refuses_to_commit(backend: Backend) -> None:
    async with backend.uow(read_only=True) as work:
        with pytest.raises(RuntimeError, match="read-only"):
            await work.commit()


async def test_stored_entities_events_are_published_merged_only_after_commit(
    backend: Backend,
) -> None:
    tool = installed("eventful")
    build = Build.queue(tool.id, 1, BuildTrigger.INSTALL, None, NOW)
    async with backend.uow() as work:
        await work.tools.add(tool)
        await work.builds.add(build)
        tool.building(at(1))
        await work.tools.save(tool)
        assert backend.published == []
        await work.commit()
        assert backend.published == [ToolChanged(tool.id), BuildQueued(build.id)]
    async with backend.uow() as work:
        await work.commit()
    assert backend.published == [ToolChanged(tool.id), BuildQueued(build.id)]


async def test_a_rolled_back_unit_of_work_publishes_nothing(backend: Backend) -> None:
    tool = installed("abandoned")
    async with backend.uow() as work:
        await work.tools.add(tool)
        work.record(BuildLogAppended(a_build(tool, 1).id, 3))
    with pytest.raises(KeyError):
        async with backend.uow() as work:
            await work.tools.add(installed("failing"))
            raise KeyError("the use case failed")
    assert backend.published == []


async def test_recorded_events_are_published_after_commit_the_newest_log_seq_per_build(
    backend: Backend,
) -> None:
    first, second = a_build(a_tool("logs"), 1), a_build(a_tool("logs"), 2)
    async with backend.uow() as work:
        for seq in (3, 5, 4):
            work.record(BuildLogAppended(first.id, seq))
        work.record(BuildLogAppended(second.id, 1))
        work.record(BuildChanged(first.id))
        work.record(BuildChanged(first.id))
        assert backend.published == []
        await work.commit()
    assert backend.published == [
        BuildLogAppended(first.id, 5),
        BuildLogAppended(second.id, 1),
        BuildChanged(first.id),
    ]


async def test_each_repository_hands_over_the_events_of_the_entity_it_stores(
    backend: Backend,
) -> None:
    user, tool = a_user("owner"), a_tool("worked-on")
    family = TokenFamily(user.id, NOW)
    token = ApiToken(user.id, "ci", "a" * 64, NOW)
    build, cancelled = a_build(tool, 1), a_build(tool, 2)
    await given(backend.uow, user, family, token, tool, build, cancelled)
    user.change(at(1), is_active=False)
    family.revoke(at(1))
    token.revoke(at(1))
    build.advance(BuildStatus.CLONING, at(1))
    cancelled.request_cancel(at(1))
    tool.forget()
    async with backend.uow() as work:
        await work.users.save(user)
        await work.refresh_tokens.revoke_family(family)
        await work.api_tokens.save(token)
        await work.builds.save(build)
        await work.builds.request_cancel(cancelled)
        await work.tools.delete(tool)
        await work.commit()
    assert backend.published == [
        AccountChanged(user.id),
        SessionEnded(family.id),
        BuildChanged(build.id),
        BuildChanged(cancelled.id),
        ToolChanged(tool.id),
    ]

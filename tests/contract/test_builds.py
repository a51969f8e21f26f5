"""The build repository's reads and writes (the queue's leases are in test_build_leases)."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from domain.builds.model import BuildStatus
from domain.paging import Page
from domain.ports import BuildFilter
from tests.contract.backends import Backend
from tests.contract.rows import NOW, a_build, a_tool, at, given


async def test_a_stored_build_is_found_by_id_by_idempotency_key_and_among_many(
    backend: Backend,
) -> None:
    tool, other = a_tool("built"), a_tool("other")
    keyed, plain = a_build(tool, 1, idempotency_key="k1"), a_build(tool, 2)
    elsewhere = a_build(other, 1, idempotency_key="k1")
    await given(backend.uow, tool, other, keyed, plain, elsewhere)
    async with backend.uow() as work:
        assert await work.builds.get(plain.id) == plain
        assert await work.builds.lock(keyed.id) == keyed
        assert await work.builds.get(uuid.uuid4()) is None
        assert await work.builds.get_by_idempotency_key(tool.id, "k1") == keyed
        assert await work.builds.get_by_idempotency_key(tool.id, "k2") is None
        many = await work.builds.get_many([plain.id, elsewhere.id, uuid.uuid4()])
        assert sorted(many, key=lambda build: build.tool_id == other.id) == [plain, elsewhere]
        assert await work.builds.get_many([]) == []


async def test_saving_a_build_that_was_never_stored_raises_lookup_error(backend: Backend) -> None:
    async with backend.uow() as work:
        with pytest.raises(LookupError):
            await work.builds.save(a_build(a_tool("ghost"), 1))


async def test_the_next_number_follows_the_tools_highest_build(backend: Backend) -> None:
    tool, other = a_tool("numbered"), a_tool("unbuilt")
    await given(backend.uow, tool, other, a_build(tool, 1), a_build(tool, 4))
    async with backend.uow() as work:
        assert [await work.builds.next_number(t.id) for t in (tool, other)] == [5, 1]


async def test_the_active_builds_of_a_tool_are_its_unfinished_ones(backend: Backend) -> None:
    tool, other = a_tool("busy"), a_tool("other")
    statuses = [BuildStatus.QUEUED, BuildStatus.BUILDING, BuildStatus.SUCCEEDED]
    builds = [a_build(tool, n, status=s) for n, s in enumerate(statuses, 1)]
    builds.append(a_build(tool, 4, status=BuildStatus.CANCELLED))
    await given(backend.uow, tool, other, *builds, a_build(other, 1))
    async with backend.uow() as work:
        active = await work.builds.active_for_tool(tool.id)
    assert sorted(active, key=lambda build: build.number) == builds[:2]


async def test_the_latest_builds_are_each_tools_highest_numbered_one(backend: Backend) -> None:
    first, second, unbuilt = a_tool("first"), a_tool("second"), a_tool("unbuilt")
    newest = a_build(first, 2, queued_at=at(-1))  # the number decides, not the time
    only = a_build(second, 1)
    await given(backend.uow, first, second, unbuilt, a_build(first, 1), newest, only)
    async with backend.uow() as work:
        latest = await work.builds.latest_for_tools([first.id, second.id, unbuilt.id])
        assert await work.builds.latest_for_tools([]) == []
    assert sorted(latest, key=lambda build: build.tool_id == second.id) == [newest, only]


async def test_pages_are_newest_first_with_the_id_breaking_ties_after_the_cursor(
    backend: Backend,
) -> None:
    tool = a_tool("paged")
    builds = [a_build(tool, n, queued_at=at(n // 2)) for n in range(1, 6)]
    await given(backend.uow, tool, *builds)
    expected = sorted(builds, key=lambda build: (build.queued_at, build.id), reverse=True)
    async with backend.uow() as work:
        first = await work.builds.page(Page(2), BuildFilter())
        rest = await work.builds.page(Page(10, (first[-1].queued_at, first[-1].id)), BuildFilter())
    assert (first, rest) == (expected[:2], expected[2:])


async def test_pages_filter_by_status_and_tool(backend: Backend) -> None:
    tool, other = a_tool("filtered"), a_tool("other")
    failed = a_build(tool, 1, status=BuildStatus.FAILED)
    queued = a_build(tool, 2, queued_at=at(1))
    theirs = a_build(other, 1, status=BuildStatus.FAILED, queued_at=at(2))
    await given(backend.uow, tool, other, failed, queued, theirs)
    async with backend.uow() as work:
        assert await work.builds.page(Page(10), BuildFilter(status=BuildStatus.FAILED)) == [
            theirs,
            failed,
        ]
        assert await work.builds.page(Page(10), BuildFilter(tool_id=tool.id)) == [queued, failed]
        mine_failed = await work.builds.page(Page(10), BuildFilter(BuildStatus.FAILED, tool.id))
    assert mine_failed == [failed]


async def test_saving_a_build_keeps_the_stored_log_counters_and_cancel_request(
    backend: Backend,
) -> None:
    tool = a_tool("counted")
    build = a_build(tool, 1, log_line_count=2, log_bytes=20)
    await given(backend.uow, tool, build)
    async with backend.uow() as work:
        await work.builds.record_log_progress(build.id, 7, 700)
        cancelled = await work.builds.get(build.id)
        assert cancelled is not None
        cancelled.request_cancel(at(1))
        await work.builds.request_cancel(cancelled)
        await work.commit()
    build.advance(BuildStatus.CLONING, at(2))  # a worker's copy, stale in both
    async with backend.uow() as work:
        await work.builds.save(build)
        await work.commit()
    async with backend.uow() as work:
        stored = await work.builds.get(build.id)
    kept = dataclasses.replace(build, log_line_count=7, log_bytes=700, cancel_requested_at=at(1))
    assert stored == kept


async def test_a_cancel_request_stores_only_the_cancel_request(backend: Backend) -> None:
    tool = a_tool("cancelled")
    build = a_build(tool, 1)
    await given(backend.uow, tool, build)
    stale = dataclasses.replace(build)
    build.advance(BuildStatus.CLONING, at(1))  # meanwhile, its worker moved on
    async with backend.uow() as work:
        await work.builds.save(build)
        await work.commit()
    stale.request_cancel(at(2))
    async with backend.uow() as work:
        await work.builds.request_cancel(stale)
        await work.commit()
    async with backend.uow() as work:
        stored = await work.builds.get(build.id)
    assert stored == dataclasses.replace(build, cancel_requested_at=at(2))


async def test_log_progress_sets_the_build_counters(backend: Backend) -> None:
    tool = a_tool("progress")
    build = a_build(tool, 1, queued_at=NOW)
    await given(backend.uow, tool, build)
    async with backend.uow() as work:
        await work.builds.record_log_progress(build.id, 3, 42)
        await work.builds.record_log_progress(uuid.uuid4(), 1, 1)  # gone: nothing to do
        await work.commit()
    async with backend.uow() as work:
        stored = await work.builds.get(build.id)
    assert stored == dataclasses.replace(build, log_line_count=3, log_bytes=42)

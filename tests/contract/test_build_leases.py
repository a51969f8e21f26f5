"""The build queue: workers claim queued builds under leases, renew and give them back."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from domain.builds.model import Build, BuildStatus
from tests.contract.backends import Backend
from tests.contract.rows import a_build, a_tool, at, given

LEASE = at(300)


async def claim(backend: Backend, owner: str, now: float = 0) -> Build | None:
    async with backend.uow() as work:
        claimed = await work.builds.claim_next(owner, at(now), at(now + 300))
        await work.commit()
    return claimed


async def stored(backend: Backend, build: Build) -> Build | None:
    async with backend.uow() as work:
        return await work.builds.get(build.id)


async def test_a_claim_takes_the_oldest_queued_build_under_the_callers_lease(
    backend: Backend,
) -> None:
    tool = a_tool("queued")
    started = a_build(tool, 1, queued_at=at(-9), status=BuildStatus.BUILDING)
    newer, oldest, middle = (a_build(tool, n, queued_at=at(n - 4)) for n in (4, 2, 3))
    await given(backend.uow, tool, started, newer, oldest, middle)
    leased = dataclasses.replace(oldest, lease_owner="w1", lease_expires_at=LEASE)
    assert await claim(backend, "w1") == leased
    assert await stored(backend, oldest) == leased


async def test_a_leased_build_is_claimed_again_only_once_its_lease_expired(
    backend: Backend,
) -> None:
    tool = a_tool("contended")
    first, second = a_build(tool, 1, queued_at=at(-2)), a_build(tool, 2, queued_at=at(-1))
    await given(backend.uow, tool, first, second)
    claims = [await claim(backend, owner) for owner in ("w1", "w2", "w3")]
    assert [(b.id, b.lease_owner) if b else None for b in claims] == [
        (first.id, "w1"),
        (second.id, "w2"),
        None,
    ]
    retaken = await claim(backend, "w4", now=301)
    assert retaken == dataclasses.replace(first, lease_owner="w4", lease_expires_at=at(601))


async def test_a_released_claim_is_claimable_again_at_once(backend: Backend) -> None:
    tool = a_tool("released")
    build = a_build(tool, 1)
    await given(backend.uow, tool, build)
    await claim(backend, "w1")
    async with backend.uow() as work:
        await work.builds.release_claim(build.id, "w2")  # not theirs: nothing happens
        await work.commit()
    assert await claim(backend, "w2") is None
    async with backend.uow() as work:
        await work.builds.release_claim(build.id, "w1")
        await work.commit()
    assert await stored(backend, build) == build
    assert await claim(backend, "w2") == dataclasses.replace(
        build, lease_owner="w2", lease_expires_at=LEASE
    )


async def test_only_the_lease_owner_renews_its_lease(backend: Backend) -> None:
    tool = a_tool("renewed")
    build = a_build(tool, 1)
    await given(backend.uow, tool, build)
    await claim(backend, "w1")
    async with backend.uow() as work:
        renewals = [
            await work.builds.renew_lease(build.id, "w1", at(900)),
            await work.builds.renew_lease(build.id, "w2", at(1200)),
            await work.builds.renew_lease(uuid.uuid4(), "w1", at(1200)),
        ]
        await work.commit()
    assert renewals == [True, False, False]
    renewed = dataclasses.replace(build, lease_owner="w1", lease_expires_at=at(900))
    assert await stored(backend, build) == renewed


async def test_expired_leases_are_those_of_started_unfinished_builds_past_their_time(
    backend: Backend,
) -> None:
    tool = a_tool("crashed")
    past, future = at(-1), at(60)

    def leased(number: int, status: BuildStatus, until: datetime) -> Build:
        return a_build(tool, number, status=status, lease_owner="w", lease_expires_at=until)

    expired = leased(1, BuildStatus.CLONING, past)
    others = [
        leased(2, BuildStatus.QUEUED, past),
        leased(3, BuildStatus.BUILDING, future),
        leased(4, BuildStatus.FAILED, past),
        a_build(tool, 5, status=BuildStatus.STARTING),
    ]
    await given(backend.uow, tool, expired, *others)
    async with backend.uow() as work:
        assert await work.builds.expired_leases(at(0)) == [expired]

"""A tool's recent health checks: newest first, pruned to the newest few."""

from __future__ import annotations

import uuid

from domain.tools.health import HealthCheck
from domain.tools.model import Tool
from tests.contract.backends import Backend
from tests.contract.rows import a_tool, at, given


def probes(tool: Tool, count: int) -> list[HealthCheck]:
    """Pairs share a time; ids ascend as they are stored, so only the id orders a pair."""
    return [
        HealthCheck(tool.id, at(n // 2), True, 200, n, id=uuid.UUID(int=n + 1))
        for n in range(count)
    ]


def newest_first(checks: list[HealthCheck]) -> list[HealthCheck]:
    return sorted(checks, key=lambda check: (check.checked_at, check.id), reverse=True)


async def test_the_latest_checks_are_newest_first_with_the_id_breaking_ties(
    backend: Backend,
) -> None:
    tool, other = a_tool("probed"), a_tool("other")
    checks = probes(tool, 5)
    await given(backend.uow, tool, other, *checks, HealthCheck(other.id, at(9), True))
    expected = newest_first(checks)
    async with backend.uow() as work:
        assert await work.health_checks.latest(tool.id, 3) == expected[:3]
        assert await work.health_checks.latest(tool.id, 10) == expected


async def test_pruning_keeps_only_the_newest_checks_of_that_tool(backend: Backend) -> None:
    tool, other = a_tool("pruned"), a_tool("other")
    checks = probes(tool, 5)
    theirs = [HealthCheck(other.id, at(n), False) for n in range(3)]
    await given(backend.uow, tool, other, *checks, *theirs)
    async with backend.uow() as work:
        await work.health_checks.prune(tool.id, 2)
        await work.commit()
    kept = newest_first(checks)[:2]
    async with backend.uow() as work:
        assert await work.health_checks.latest(tool.id, 10) == kept
        assert len(await work.health_checks.latest(other.id, 10)) == 3

"""Build log lines: appended in batches, read back in seq order after a cursor."""

from __future__ import annotations

from tests.contract.backends import Backend
from tests.contract.rows import a_build, a_tool, given, lines


async def test_log_lines_are_read_in_seq_order_after_a_seq_up_to_a_limit(
    backend: Backend,
) -> None:
    tool = a_tool("chatty")
    build, other = a_build(tool, 1), a_build(tool, 2)
    await given(backend.uow, tool, build, other)
    async with backend.uow() as work:
        await work.build_logs.append(build.id, lines(3, 1, 2))
        await work.build_logs.append(other.id, lines(1, 2))
        await work.commit()
    async with backend.uow() as work:
        await work.build_logs.append(build.id, lines(4, 5))
        await work.commit()
    async with backend.uow() as work:
        assert await work.build_logs.read(build.id, 0, 100) == lines(1, 2, 3, 4, 5)
        assert await work.build_logs.read(build.id, 2, 2) == lines(3, 4)
        assert await work.build_logs.read(build.id, 5, 100) == []
        assert await work.build_logs.read(other.id, 0, 1) == lines(1)

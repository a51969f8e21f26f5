"""Units of work on the real database: writers serialize, readers never wait for them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from domain.tools.model import Tool
from domain.users.model import Role, User
from infra.bootstrap import Application
from infra.db.engine import SqlAlchemyDatabaseProbe, create_session_factory
from infra.db.unit_of_work import SqlAlchemyUnitOfWork

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def a_user(name: str) -> User:
    return User(name, f"{name}@example.com", "hash", Role.VIEWER, NOW, NOW)


async def test_a_reader_does_not_wait_for_a_writer_that_holds_its_transaction_open(
    application: Application,
) -> None:
    sessions = create_session_factory(application.database)
    existing = a_user("reader-sees-me")
    async with SqlAlchemyUnitOfWork(sessions) as work:
        await work.users.add(existing)
        await work.commit()

    async with SqlAlchemyUnitOfWork(sessions) as writer:
        await writer.users.add(a_user("written-slowly"))  # holds the write lock from here
        async with asyncio.timeout(2):
            async with SqlAlchemyUnitOfWork(sessions, read_only=True) as reader:
                assert await reader.users.get(existing.id) == existing
                assert await reader.users.get_by_username("written-slowly") is None
            assert await SqlAlchemyDatabaseProbe(application.database).is_reachable()
        await writer.commit()


async def test_writers_that_lock_then_write_take_turns_and_lose_no_update(
    application: Application,
) -> None:
    sessions = create_session_factory(application.database)
    tool = Tool("turns", "https://example.invalid/t.git", None, None, 23456, NOW, NOW)
    async with SqlAlchemyUnitOfWork(sessions) as work:
        await work.tools.add(tool)
        await work.commit()

    async def add_variable(name: str) -> None:
        async with SqlAlchemyUnitOfWork(sessions) as work:
            current = await work.tools.lock(tool.id)
            assert current is not None
            await asyncio.sleep(0.05)  # others try meanwhile
            current.environment = {**current.environment, name: "set"}
            await work.tools.save(current)
            await work.commit()

    await asyncio.gather(*(add_variable(f"V{n}") for n in range(4)))
    async with SqlAlchemyUnitOfWork(sessions, read_only=True) as work:
        final = await work.tools.get(tool.id)
    assert final is not None and sorted(final.environment) == ["V0", "V1", "V2", "V3"]


async def test_a_read_only_unit_of_work_refuses_to_commit(application: Application) -> None:
    sessions = create_session_factory(application.database)
    async with SqlAlchemyUnitOfWork(sessions, read_only=True) as work:
        with pytest.raises(RuntimeError, match="read-only"):
            await work.commit()

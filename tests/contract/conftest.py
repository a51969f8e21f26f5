"""Each contract test runs twice: on the fakes the unit tests use, and on the SQL adapters over
a migrated database of the kind MACHETE_TEST_DATABASE names."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from infra.db.engine import create_engine, create_session_factory
from infra.db.unit_of_work import SqlAlchemyUnitOfWork
from tests.contract.backends import Backend, RecordingEventBus
from tests.tables import empty_tables
from tests.unit.fake_store import FakeUnitOfWork, Store


@pytest.fixture(params=["fake", "sql"])
def backend(request: pytest.FixtureRequest) -> Backend:
    # Looked up by name, so that the fake runs need no database and never skip for want of one.
    return request.getfixturevalue(f"{request.param}_backend")


@pytest.fixture
def fake_backend() -> Backend:
    store = Store()

    def uow(*, read_only: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(store, read_only=read_only)

    return Backend(uow, store.published)


@pytest.fixture
async def sql_backend(migrated_database_url: str) -> AsyncIterator[Backend]:
    engine = create_engine(migrated_database_url)
    sessions = create_session_factory(engine)
    bus = RecordingEventBus()

    def uow(*, read_only: bool = False) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions, read_only=read_only, events=bus)

    try:
        yield Backend(uow, bus.published)
    finally:
        await empty_tables(engine)
        await bus.close()
        await engine.dispose()

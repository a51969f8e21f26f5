"""Shared fixtures: a migrated database of the kind under test, settings, and the application."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from infra.bootstrap import Application, bootstrap
from infra.db.migrate import upgrade_to_head_async
from infra.settings import Settings
from tests.services import (
    create_postgres_database,
    database_kind,
    drop_postgres_database,
    unavailable,
)
from tests.tables import empty_tables

TEST_SECRET_KEY = secrets.token_urlsafe(48)


def pytest_report_header() -> str:
    return f"MACHETE test database: {database_kind()}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    stats = terminalreporter.stats
    ran = sum(len(stats.get(key, [])) for key in ("passed", "failed", "error"))
    skipped = len(stats.get("skipped", []))
    terminalreporter.write_line(
        f"MACHETE suite on {database_kind()}: {ran} tests ran, {skipped} skipped"
    )


async def new_database_url(tmp_dir: Path, prefix: str) -> str:
    if database_kind() == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_dir / f'{prefix}.db'}"
    try:
        return await create_postgres_database(prefix)
    except (OSError, ConnectionError) as error:
        unavailable(f"PostgreSQL ({error})")
        raise


async def dispose_database_url(url: str) -> None:
    if url.startswith("postgresql"):
        await drop_postgres_database(url)


@pytest.fixture(scope="session")
async def migrated_database_url(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[str]:
    url = await new_database_url(tmp_path_factory.mktemp("db"), "machete_test")
    await upgrade_to_head_async(url)
    yield url
    await dispose_database_url(url)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(data_dir: Path, migrated_database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=data_dir,
        database_url=migrated_database_url,
        secret_key=TEST_SECRET_KEY,
        allow_local_repos=True,
        gateway="off",
    )


@pytest.fixture
async def application(settings: Settings) -> AsyncIterator[Application]:
    application = bootstrap(settings)
    try:
        yield application
    finally:
        await empty_tables(application.database)
        await application.close()


@pytest.fixture
def anyio_backend() -> Iterator[str]:
    yield "asyncio"

"""Where the real PostgreSQL and Docker engine are, and whether their absence fails the run.

In CI (CI=true or MACHETE_REQUIRE_SERVICES=1) a missing service is a failure, never a skip.
"""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def services_required() -> bool:
    return (
        os.environ.get("CI", "").lower() == "true"
        or os.environ.get("MACHETE_REQUIRE_SERVICES") == "1"
    )


def database_kind() -> str:
    kind = os.environ.get("MACHETE_TEST_DATABASE", "sqlite")
    if kind not in {"sqlite", "postgresql"}:
        raise pytest.UsageError(f"MACHETE_TEST_DATABASE must be sqlite or postgresql, not {kind!r}")
    return kind


def postgres_base_url() -> str:
    return os.environ.get("MACHETE_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def unavailable(what: str) -> None:
    """Fail in CI, skip elsewhere."""
    if services_required():
        pytest.fail(f"{what} is required in CI but unavailable", pytrace=False)
    pytest.skip(f"{what} unavailable")


async def create_postgres_database(prefix: str) -> str:
    """A fresh database for one test run; returns its SQLAlchemy URL."""
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(postgres_base_url())
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(_dsn(base))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return base.set(database=name).render_as_string(hide_password=False)


async def drop_postgres_database(url: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    connection = await asyncpg.connect(_dsn(make_url(postgres_base_url())))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    finally:
        await connection.close()


def _dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)

"""Alembic migrations build exactly the schema the rows describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from domain.tools.access_level import ToolAccess
from infra.db.engine import create_engine, create_session_factory
from infra.db.migrate import alembic_config, is_at_head, upgrade_to_head_async
from infra.db.rows import Base
from infra.db.schema_comparison import compare_type
from infra.db.unit_of_work import SqlAlchemyUnitOfWork
from tests.conftest import dispose_database_url, new_database_url


async def test_migrations_create_every_table_and_match_the_rows(tmp_path: Path) -> None:
    url = await new_database_url(tmp_path, "machete_migrations")
    engine = create_engine(url)
    try:
        assert not await is_at_head(engine, url)
        await upgrade_to_head_async(url)
        await upgrade_to_head_async(url)  # a second upgrade is a no-op
        assert await is_at_head(engine, url)
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            differences = await connection.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"compare_type": compare_type}),
                    Base.metadata,
                )
            )
        assert tables == {*Base.metadata.tables, "alembic_version"}
        assert tables >= {
            "users",
            "refresh_tokens",
            "api_tokens",
            "tools",
            "tool_secrets",
            "builds",
            "build_log_lines",
            "health_checks",
            "audit_events",
        }
        assert differences == []
    finally:
        await engine.dispose()
        await dispose_database_url(url)


async def test_build_log_lines_are_keyed_by_build_and_seq(tmp_path: Path) -> None:
    url = await new_database_url(tmp_path, "machete_keys")
    await upgrade_to_head_async(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            key = await connection.run_sync(
                lambda c: inspect(c).get_pk_constraint("build_log_lines")["constrained_columns"]
            )
        assert key == ["build_id", "seq"]
    finally:
        await engine.dispose()
        await dispose_database_url(url)


async def test_tools_from_before_access_levels_open_to_viewers_on_no_custom_domain(
    tmp_path: Path,
) -> None:
    url = await new_database_url(tmp_path, "machete_access")
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0002")
    engine = create_engine(url)
    tool_id, now = uuid.uuid4(), datetime(2026, 11, 30, tzinfo=UTC)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO tools (id, name, repo_url, status, desired_state, host_port,"
                    " environment, created_at, updated_at) VALUES (:id, 'old', 'file:///old',"
                    " 'RUNNING', 'RUNNING', 20001, '{}', :now, :now)"
                ),
                {"id": tool_id.hex if url.startswith("sqlite") else tool_id, "now": now},
            )
        await upgrade_to_head_async(url)
        async with SqlAlchemyUnitOfWork(create_session_factory(engine)) as work:
            tool = await work.tools.get(tool_id)
        assert tool is not None
        assert (tool.name, tool.access, tool.domains) == ("old", ToolAccess.VIEWER, ())
    finally:
        await engine.dispose()
        await dispose_database_url(url)

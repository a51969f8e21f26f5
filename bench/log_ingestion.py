"""Build-log ingestion: MACHETE's batched writer against one transaction per line.

    .venv/bin/python -m bench.log_ingestion [--lines 5000] [--postgres-url URL]

Both store the same lines into the same kind of database, side by side in one run, and the
ratio is printed. Target: batching stores a chatty build's output at least 10x faster, which
is what keeps SQLite's single writer free for the API while a build streams.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from domain.builds.log_writer import BuildLogWriter
from domain.builds.model import Build, BuildTrigger, LogLine, LogStream
from domain.clock import SystemClock
from domain.tools.model import Tool
from infra.db.engine import create_engine, create_session_factory
from infra.db.migrate import upgrade_to_head_async
from infra.db.unit_of_work import SqlAlchemyUnitOfWork

UnitOfWorkFactory = Callable[[], SqlAlchemyUnitOfWork]

TARGET_RATIO = 10.0


async def new_build(uow_factory: UnitOfWorkFactory) -> uuid.UUID:
    now = datetime.now(UTC)
    tool = Tool(
        f"bench-{uuid.uuid4().hex[:8]}",
        "https://example.invalid/x.git",
        None,
        None,
        20000 + uuid.uuid4().int % 9000,
        now,
        now,
    )
    build = Build(tool.id, 1, BuildTrigger.INSTALL, None, now)
    async with uow_factory() as uow:
        await uow.tools.add(tool)
        await uow.builds.add(build)
        await uow.commit()
    return build.id


async def batched(uow_factory: UnitOfWorkFactory, lines: int) -> float:
    build_id = await new_build(uow_factory)

    async def store(bid: uuid.UUID, batch: list[LogLine], total: int) -> None:
        async with uow_factory() as uow:
            await uow.build_logs.append(bid, batch)
            await uow.builds.record_log_progress(bid, batch[-1].seq, total)
            await uow.commit()

    writer = BuildLogWriter(
        build_id,
        store,
        SystemClock(),
        next_seq=0,
        stored_bytes=0,
        max_lines=lines + 10,
        max_bytes=1 << 30,
    )
    started = time.perf_counter()
    writer.start()
    for n in range(lines):
        writer.write(LogStream.STDOUT, f"step output line {n}")
        if n % 200 == 0:
            await asyncio.sleep(0)  # a build's output arrives over time, not all at once
    await writer.close()
    return time.perf_counter() - started


async def line_by_line(uow_factory: UnitOfWorkFactory, lines: int) -> float:
    build_id = await new_build(uow_factory)
    started = time.perf_counter()
    for n in range(lines):
        line = LogLine(n + 1, LogStream.STDOUT, datetime.now(UTC), f"step output line {n}")
        async with uow_factory() as uow:
            await uow.build_logs.append(build_id, [line])
            await uow.builds.record_log_progress(build_id, n + 1, 0)
            await uow.commit()
    return time.perf_counter() - started


@asynccontextmanager
async def scratch_database(server_url: str | None) -> AsyncIterator[str]:
    """A throwaway database: a SQLite file, or a new database on the given PostgreSQL server."""
    if server_url is None:
        directory = Path(tempfile.mkdtemp(prefix="machete-bench-"))
        yield f"sqlite+aiosqlite:///{directory / 'bench.db'}"
        shutil.rmtree(directory, ignore_errors=True)
        return
    url = make_url(server_url)
    name = f"machete_bench_{uuid.uuid4().hex[:10]}"
    dsn = url.set(drivername="postgresql", database=url.database or "postgres")
    admin = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main(lines: int, server_url: str | None) -> None:
    async with scratch_database(server_url) as url:
        await measure(lines, url)


async def measure(lines: int, url: str) -> None:
    await upgrade_to_head_async(url)
    engine = create_engine(url)
    sessions = create_session_factory(engine)

    def uow_factory(*, read_only: bool = False) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions, read_only=read_only)

    try:
        fast = await batched(uow_factory, lines)
        slow = await line_by_line(uow_factory, lines)
    finally:
        await engine.dispose()
    ratio = slow / fast
    print(f"database: {engine.dialect.name}, lines: {lines}")
    print(f"batched writer:      {fast:8.3f} s  ({lines / fast:10.0f} lines/s)")
    print(f"one line per commit: {slow:8.3f} s  ({lines / slow:10.0f} lines/s)")
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    print(f"ratio: {ratio:.1f}x ({verdict} the {TARGET_RATIO:g}x target)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument(
        "--postgres-url", default=None, help="a PostgreSQL server to make a scratch database on"
    )
    arguments = parser.parse_args()
    asyncio.run(main(arguments.lines, arguments.postgres_url))

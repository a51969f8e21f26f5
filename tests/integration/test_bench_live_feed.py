"""The live feed fan-out benchmark still runs, end to end, on the database of this run.

Tiny parameters: this only keeps the script from rotting; its numbers are not checked.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from tests.services import database_kind, postgres_base_url, unavailable

REPOSITORY = Path(__file__).resolve().parents[2]
TINY = ["--followers", "3", "--lines", "20", "--batch", "5", "--interval", "0.01"]


async def reach(server: str) -> None:
    dsn = make_url(server).set(drivername="postgresql")
    connection = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    await connection.close()


def database_arguments() -> list[str]:
    """The benchmark's own scratch database: a SQLite file, or one on the PostgreSQL server."""
    if database_kind() == "sqlite":
        return []
    server = postgres_base_url()
    try:
        asyncio.run(reach(server))
    except (OSError, ConnectionError) as error:
        unavailable(f"PostgreSQL ({error})")
    return ["--postgres-url", server]


def test_the_fan_out_benchmark_runs_both_variants_and_prints_their_ratios() -> None:
    arguments = [sys.executable, "-m", "bench.live_feed_fanout", *TINY]
    result = subprocess.run(
        arguments + database_arguments(),
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"database: {database_kind()}, followers: 3, lines: 20" in result.stdout
    assert "shared feed (A)" in result.stdout and "feed each (B)" in result.stdout
    for row in ("reads while live", "all received (s)", "peak lag (s)"):
        assert row in result.stdout

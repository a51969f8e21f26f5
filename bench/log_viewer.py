"""The dashboard's build log viewer on a finished 100,000-line build, and the bundle sizes.

    .venv/bin/python -m bench.log_viewer [--lines 100000]

A real `machete serve` (SQLite, its own data directory) holds one finished build whose log has
`--lines` lines, seeded through the real units of work. Debian's Chromium (headless, loopback
only) opens the build's page signed in and measures, in the page's own clock:

- A, the viewer: time until the first line is visible, and until the last one is (the viewer
  follows the end), then the tab's memory (the renderer's resident set and the JS heap);
- B, the floor, side by side in the same run: the same log received over the same
  `buildLog` subscription by a bare WebSocket client (no rendering), and a page that shows
  nothing of the log (the System page) for memory.

It prints A, B and A/B, and the gzipped size of the JavaScript each page loads (the
dashboard's must not include GraphiQL's). Goals: first lines within 1 s, tab under 200 MB,
dashboard JavaScript under 250 KB gzipped, GraphiQL loaded only on its own page.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import websockets
from playwright.async_api import BrowserContext, Page, async_playwright
from websockets.typing import Subprotocol

from domain.builds.model import Build, BuildStatus, BuildTrigger, LogLine, LogStream
from domain.tools.model import Tool
from graph.node import to_global_id
from graph.web.pages import PACKAGED_DIST
from infra.bootstrap import bootstrap, prepare_database
from infra.settings import Settings
from tests.e2e.browser.chromium import CHROMIUM, FLAGS

USERNAME, PASSWORD = "bench-admin", "bench passphrase for the viewer"
SECRET_KEY = "bench-" + "k" * 40
BATCH = 2_000
SIGN_IN = """mutation($u: String!, $p: String!) {
  signIn(input: {username: $u, password: $p}) { accessToken } }"""
FOLLOW = "subscription($id: ID!) { buildLog(buildId: $id, afterSeq: 0) { lastSeq done } }"


def line_text(n: int) -> str:
    # Some colour and a progress line, as real builds print.
    if n % 50 == 0:
        return f"\x1b[32mStep {n}\x1b[0m: RUN make -j2 target-{n}"
    if n % 7 == 0:
        return f"progress {n} 10%\r progress {n} 60%\r progress {n} 100%"
    return f"compiling module_{n}.c -> module_{n}.o ({n * 37 % 1000} ms)"


async def seed(settings: Settings, lines: int) -> str:
    """A finished build with `lines` log lines; returns its global id."""
    application = bootstrap(settings)
    try:
        await prepare_database(application)
        now = datetime.now(UTC)
        tool = Tool("bench-viewer", "https://example.invalid/x.git", "main", None, 29999, now, now)
        build = Build(tool.id, 1, BuildTrigger.INSTALL, "main", now)
        for status in (BuildStatus.CLONING, BuildStatus.BUILDING, BuildStatus.STARTING):
            build.advance(status, now)
        async with application.unit_of_work() as uow:
            await uow.tools.add(tool)
            await uow.builds.add(build)
            await uow.commit()
        for start in range(1, lines + 1, BATCH):
            batch = [
                LogLine(n, LogStream.STDOUT, now, line_text(n))
                for n in range(start, min(start + BATCH, lines + 1))
            ]
            async with application.unit_of_work() as uow:
                await uow.build_logs.append(build.id, batch)
                await uow.builds.record_log_progress(build.id, batch[-1].seq, 0)
                await uow.commit()
        async with application.unit_of_work() as uow:
            stored = await uow.builds.get(build.id)
            assert stored is not None
            stored.succeed(datetime.now(UTC))
            await uow.builds.save(stored)
            await uow.commit()
    finally:
        await application.close()
    return str(to_global_id("Build", build.id))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(data_dir: Path, port: int, lines: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MACHETE_")}
    env.update(server_environment(data_dir, lines))
    machete = Path(sys.executable).parent / "machete"
    return subprocess.Popen(  # noqa: S603 (our own console script, an argument list)
        [str(machete), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=(data_dir / "server.log").open("wb"),
        stderr=subprocess.STDOUT,
    )


def server_environment(data_dir: Path, lines: int) -> dict[str, str]:
    return {
        "MACHETE_DATA_DIR": str(data_dir),
        "MACHETE_SECRET_KEY": SECRET_KEY,
        "MACHETE_ADMIN_USERNAME": USERNAME,
        "MACHETE_ADMIN_PASSWORD": PASSWORD,
        "MACHETE_MAX_LOG_LINES_PER_BUILD": str(lines + 10),
        "MACHETE_WORKER_CONCURRENCY": "0",
    }


async def wait_ready(base_url: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(600):
            if process.poll() is not None:
                raise RuntimeError("machete serve exited early")
            try:
                if (await http.get(f"{base_url}/readyz", timeout=1)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("machete serve did not become ready")


async def floor_seconds(base_url: str, build_id: str, lines: int) -> float:
    """B: the whole log over `buildLog` to a bare client that renders nothing."""
    async with httpx.AsyncClient() as http:
        variables = {"u": USERNAME, "p": PASSWORD}
        signed = await http.post(
            f"{base_url}/graphql", json={"query": SIGN_IN, "variables": variables}
        )
    token = signed.json()["data"]["signIn"]["accessToken"]
    url = base_url.replace("http", "ws", 1) + "/graphql"
    started = time.perf_counter()
    async with websockets.connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        await ws.recv()
        payload = {"query": FOLLOW, "variables": {"id": build_id}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        while True:
            message = json.loads(await ws.recv())
            chunk = message.get("payload", {}).get("data", {}).get("buildLog")
            if chunk and chunk["done"]:
                if chunk["lastSeq"] != lines:
                    raise RuntimeError(f"the floor client got {chunk['lastSeq']} lines")
                return time.perf_counter() - started


def renderer_memory_mib(profile: Path) -> dict[str, float]:
    """The tab's memory: the largest renderer of the Chromium using `profile`, as resident set
    (shared libraries included) and private memory (what the tab alone costs, as Chromium's
    task manager counts its footprint)."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().decode(errors="replace")
            stat = (entry / "stat").read_text()
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
    roots = {pid for pid, cmd in commands.items() if str(profile) in cmd and "--type=" not in cmd}

    def descends(pid: int) -> bool:
        while pid > 1:
            if pid in roots:
                return True
            pid = parents.get(pid, 0)
        return False

    largest = {"rss": 0.0, "private": 0.0}
    for pid, command in commands.items():
        if "--type=renderer" in command and descends(pid):
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            kib = {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", rollup, re.M)}
            private = (kib.get("Private_Clean", 0) + kib.get("Private_Dirty", 0)) / 1024
            if private > largest["private"]:
                largest = {"rss": kib.get("Rss", 0) / 1024, "private": private}
    return largest


async def heap_mib(page: Page) -> float:
    session = await page.context.new_cdp_session(page)
    await session.send("Performance.enable")
    await session.send("HeapProfiler.collectGarbage")
    metrics = await session.send("Performance.getMetrics")
    used: float = {m["name"]: m["value"] for m in metrics["metrics"]}.get("JSHeapUsedSize", 0)
    await session.detach()
    return used / (1 << 20)


async def sign_in(page: Page, base_url: str) -> None:
    await page.goto(f"{base_url}/system")
    await page.get_by_label("Username").fill(USERNAME)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("button", name="Sign out").wait_for(timeout=30_000)


async def seen_at(page: Page, selector: str, timeout_ms: float) -> float:
    """The page's clock (ms since navigation) when `selector` first matched a visible element.

    Polled once per frame inside the page (evaluated over DevTools: the page's CSP forbids the
    string functions that `wait_for_function` would compile).
    """
    script = """([selector, timeout]) => new Promise((resolve, reject) => {
      const started = performance.now();
      const scrollerOf = (el) => {
        for (let node = el.parentElement; node; node = node.parentElement) {
          if (/(auto|scroll)/.test(getComputedStyle(node).overflowY)) return node;
        }
        return null;
      };
      const shown = (el) => {
        const box = el.getBoundingClientRect();
        const scroller = scrollerOf(el);
        const view = scroller ? scroller.getBoundingClientRect() : { top: 0, bottom: innerHeight };
        return box.height > 0 && box.bottom > view.top && box.top < view.bottom;
      };
      const look = () => {
        if ([...document.querySelectorAll(selector)].some(shown)) {
          resolve(performance.now());
        } else if (performance.now() - started > timeout) {
          reject(new Error("not visible in time: " + selector));
        } else {
          requestAnimationFrame(look);
        }
      };
      look();
    })"""
    return float(await page.evaluate(script, [selector, timeout_ms]))


async def viewer_run(
    context: BrowserContext, profile: Path, base_url: str, build_id: str, lines: int
) -> dict[str, Any]:
    page = await context.new_page()
    await sign_in(page, base_url)
    idle = {**renderer_memory_mib(profile), "heap": await heap_mib(page)}
    await page.goto(f"{base_url}/builds/{build_id}", wait_until="commit")
    first = await seen_at(page, "[data-seq]", 30_000)  # the first lines shown, wherever they are
    last = await seen_at(page, f'[data-seq="{lines}"]', 300_000)
    await asyncio.sleep(1)
    shown = {**renderer_memory_mib(profile), "heap": await heap_mib(page)}
    await page.close()
    return {"first": first / 1000, "last": last / 1000, "idle": idle, "shown": shown}


def script_sizes(page: str) -> dict[str, int]:
    """Gzipped size of each JavaScript file a built page loads (entry and preloads)."""
    html = (PACKAGED_DIST / page).read_text()
    names = re.findall(r'(?:src|href)="(/assets/[^"]+\.js)"', html)
    sizes = {}
    for name in names:
        raw = (PACKAGED_DIST / name.lstrip("/")).read_bytes()
        sizes[name] = len(gzip.compress(raw, compresslevel=9))
    return sizes


def print_bundles() -> None:
    dashboard, graphiql = script_sizes("index.html"), script_sizes("graphiql.html")
    total = sum(dashboard.values())
    print(
        f"dashboard JavaScript: {total / 1024:.1f} KB gzipped in {len(dashboard)} files"
        f" (goal: under 250 KB)"
    )
    print(f"GraphiQL page JavaScript: {sum(graphiql.values()) / 1024:.1f} KB gzipped")
    leaked = [name for name in dashboard if "graphiql" in name.lower()]
    print(f"GraphiQL code loaded by the dashboard: {leaked or 'none'}")


async def main(lines: int) -> None:
    if not (PACKAGED_DIST / "index.html").exists():
        raise SystemExit("build the dashboard first: make web")
    root = Path(tempfile.mkdtemp(prefix="machete-bench-viewer-"))
    process = None
    try:
        data_dir = root / "data"
        settings = Settings(_env_file=None, data_dir=data_dir, secret_key=SECRET_KEY)
        started = time.perf_counter()
        build_id = await seed(settings, lines)
        print(
            f"seeded a finished build of {lines:,} lines in {time.perf_counter() - started:.1f} s"
        )
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        process = serve(data_dir, port, lines)
        await wait_ready(base_url, process)
        profile = root / "profile"
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                str(profile),
                executable_path=str(CHROMIUM),
                args=FLAGS,
                headless=True,
                viewport={"width": 1280, "height": 900},
            )
            try:
                viewer = await viewer_run(context, profile, base_url, build_id, lines)
            finally:
                await context.close()
        floor = await floor_seconds(base_url, build_id, lines)
        report(lines, viewer, floor)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=15)
        shutil.rmtree(root, ignore_errors=True)
    print_bundles()


def report(lines: int, viewer: dict[str, Any], floor: float) -> None:
    print(
        f"A  viewer: first lines visible after {viewer['first']:.2f} s (goal: within 1 s),"
        f" line {lines:,} after {viewer['last']:.2f} s"
    )
    print(f"B  floor: the whole log received by a bare WebSocket client in {floor:.2f} s")
    print(f"A/B time to the last line: {viewer['last'] / floor:.2f}x")
    idle, shown = viewer["idle"], viewer["shown"]
    for label, tab in (("A  tab with the log", shown), ("B  tab on a page without it", idle)):
        print(
            f"{label}: {tab['private']:.0f} MiB private, {tab['rss']:.0f} MiB resident"
            f" (shared libraries included), JS heap {tab['heap']:.0f} MiB"
        )
    print(
        f"goal: the tab under 200 MB private; A/B private memory:"
        f" {shown['private'] / max(idle['private'], 1):.2f}x"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().lines))

"""What `bench.gateway_overhead` measures: a real `machete serve` with its embedded gateway,
tools installed through its API, and a bare Caddy hop for reference.

Everything runs on loopback, in scratch directories removed afterwards; the processes are
ended by their PID (the embedded Caddy by its pid file) and the containers and images of this
run's tools removed by their names, never anything else of the engine's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import docker
import httpx

from domain.containers import TOOL_LABEL, image_repository
from infra.gateway.caddy.termination import terminate
from infra.gateway.factory import caddy_binary, stop_embedded_gateway
from infra.settings import Settings
from tests.fixtures.repos import BUSYBOX, ToolRepo

USERNAME, PASSWORD = "bench-admin", "bench passphrase for the gateway"
SECRET_KEY = "bench-" + "g" * 40
PAGE_PATH = "/index.html"
# The page every backend serves: small, so that the figures are about the hops, not bytes.
PAGE = ("<!doctype html><title>bench</title><p>" + "MACHETE gateway bench. " * 20 + "\n").encode()
ACCESS_LEVELS = ("PUBLIC", "VIEWER")

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

T = TypeVar("T")


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
        if "COPY caddy" in self.dockerfile:
            files["caddy"] = Path(caddy_binary()).read_bytes()
        return files

    def tool_name(self, access: str, suffix: str) -> str:
        return f"{self.slug}-{access.lower()}-{suffix}"


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


@dataclass(frozen=True)
class InstalledTool:
    name: str
    host_port: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def until(check: Callable[[], Awaitable[T | None]], seconds: float, what: object) -> T:
    """The first result of `check` that is not None, polled for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = await check()
        if result is not None:
            return result
        await asyncio.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


def tool_port_range(width: int = 100) -> dict[str, str]:
    """A window of host ports of its own: MACHETE takes the lowest free port of its range, so
    other MACHETEs on this host (tests) would race this one for the same ports."""
    start = 22000 + secrets.randbelow((29999 - 22000 - width) // width) * width
    return {
        "MACHETE_TOOL_PORT_RANGE_START": str(start),
        "MACHETE_TOOL_PORT_RANGE_END": str(start + width - 1),
    }


class Machete:
    """A `machete serve` with its embedded gateway, and its GraphQL API through that gateway."""

    def __init__(self, root: Path, run_dir: Path, port: int, database_url: str) -> None:
        self.root = root
        self.run_dir = run_dir
        self.port = port
        self.data_dir = root / "data"
        self.database_url = database_url
        self.log_path = root / "server.log"
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
            **tool_port_range(),
        )
        machete = Path(sys.executable).parent / "machete"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own console script, a list)
                [str(machete), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env,
                stdout=log,
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

    async def sign_in(self) -> tuple[str, str]:
        """The admin's access token, and an API token of the admin's for scripts."""
        signed = await self.graphql(SIGN_IN, {"u": USERNAME, "p": PASSWORD})
        session = str(signed["signIn"]["accessToken"])
        created = await self.graphql(CREATE_API_TOKEN, {"name": "bench"}, session)
        return session, str(created["createApiToken"]["token"])

    async def install_tools(
        self, token: str, root: Path, suffix: str
    ) -> dict[tuple[str, str], InstalledTool]:
        """Every backend once per access level, installed through the API, RUNNING."""
        queued: dict[tuple[str, str], str] = {}
        for backend in BACKENDS:
            repo = ToolRepo(root / f"repo-{backend.slug}")
            repo.commit(backend.files(f"{backend.slug}-bench"), f"the {backend.slug} bench page")
            for access in ACCESS_LEVELS:
                name = backend.tool_name(access, suffix)
                tool_input = {"repoUrl": repo.url, "name": name, "toolAccess": access}
                payload = (await self.graphql(INSTALL, {"input": tool_input}, token))["installTool"]
                if payload["errors"]:
                    raise RuntimeError(f"installing {name} failed: {payload['errors']}")
                queued[(backend.slug, access)] = payload["tool"]["id"]
        installed = {}
        for key, tool_id in queued.items():

            async def running(tool_id: str = tool_id) -> dict[str, Any] | None:
                return await self._running_tool(token, tool_id)

            tool = await until(running, 180, f"the tool {key} to run")
            installed[key] = InstalledTool(tool["name"], int(tool["hostPort"]))
        return installed

    async def _running_tool(self, token: str, tool_id: str) -> dict[str, Any] | None:
        tool: dict[str, Any] = (await self.graphql(TOOL, {"id": tool_id}, token))["tool"]
        if tool["status"] == "FAILED":
            raise RuntimeError(f"the tool {tool['name']} failed:\n{self.log_tail()}")
        return tool if tool["status"] == "RUNNING" else None

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
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@asynccontextmanager
async def running_machete(root: Path, run_dir: Path, database_url: str) -> AsyncIterator[Machete]:
    machete = Machete(root, run_dir, free_port(), database_url)
    machete.start()
    try:
        await machete.wait_ready()
        yield machete
    finally:
        await machete.stop()


def bare_proxy_config(routes: dict[int, int]) -> dict[str, Any]:
    """A Caddy that only proxies: one server per listen port, each to one upstream port,
    Caddy's defaults otherwise (no admin endpoint, no TLS)."""
    servers = {
        f"hop{listen}": {
            "listen": [f"127.0.0.1:{listen}"],
            "automatic_https": {"disable": True},
            "routes": [
                {
                    "handle": [
                        {"handler": "reverse_proxy", "upstreams": [{"dial": f"127.0.0.1:{up}"}]}
                    ]
                }
            ],
        }
        for listen, up in routes.items()
    }
    return {"admin": {"disabled": True}, "apps": {"http": {"servers": servers}}}


@asynccontextmanager
async def bare_proxy(root: Path, upstreams: list[int]) -> AsyncIterator[dict[int, int]]:
    """A bare Caddy hop in front of each upstream port: {upstream port: hop port}."""
    hops = {up: free_port() for up in upstreams}
    home = root / "bare-caddy"
    home.mkdir()
    config = home / "config.json"
    config.write_text(json.dumps(bare_proxy_config({hop: up for up, hop in hops.items()})))
    process = start_caddy(home, config)
    try:
        for hop in hops.values():

            async def listening(hop: int = hop) -> bool | None:
                return await _listening(hop, process)

            await until(listening, 15, "the bare Caddy")
        yield hops
    finally:
        await asyncio.to_thread(terminate, process.pid, 5.0, process)


def start_caddy(home: Path, config: Path) -> subprocess.Popen[bytes]:
    with (home / "caddy.log").open("wb") as log:
        return subprocess.Popen(  # noqa: S603 - an argument list, our own binary
            [caddy_binary(), "run", "--config", str(config)],
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home)},
            cwd=home,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )


async def _listening(port: int, process: subprocess.Popen[bytes]) -> bool | None:
    if process.poll() is not None:
        raise RuntimeError("the bare Caddy exited at start")
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return None
    writer.close()
    return True


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
            labelled: dict[str, str | list[str] | bool] = {"label": f"{TOOL_LABEL}={name}"}
            for container in engine.containers.list(all=True, filters=labelled):
                container.remove(force=True)
            for image in engine.images.list(name=image_repository(name)):
                with contextlib.suppress(docker.errors.APIError):
                    engine.images.remove(str(image.id), force=True)
    finally:
        engine.close()


def docker_version() -> str:
    engine = docker.from_env(timeout=10)
    try:
        return str(engine.version().get("Version", "?"))
    finally:
        engine.close()

"""The real Caddy for tests: a short run directory, a supervised Caddy in it (stopped by its
PID afterwards), and small stand-ins for a tool and for MACHETE behind the gateway.

    async with running_gateway(api_socket) as gateway:
        await gateway.apply(RouteTable(...))
        response = await gateway.get("t.localhost", "/path")
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import os
import shutil
import signal
import socket
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from domain.gateway.addresses import Upstream
from infra.gateway.caddy.admin import CaddyAdmin
from infra.gateway.caddy.endpoint import AdminEndpoint
from infra.gateway.caddy.gateway import CaddyGateway
from infra.gateway.caddy.paths import CaddyPaths
from infra.gateway.caddy.process import CaddyProcess
from infra.gateway.caddy.site import GatewaySite, TlsMode
from infra.gateway.caddy.supervisor import CaddySupervisor, RestartHook
from infra.gateway.factory import ADMIN_SOCKET_MODE, caddy_binary

BASE_DOMAIN = "localhost"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def short_run_dir() -> Iterator[Path]:
    """Unix socket paths must stay short: a fresh directory right under /tmp."""
    path = Path(tempfile.mkdtemp(prefix="m", dir="/tmp"))
    try:
        yield path
    finally:
        stop_leftover_caddy(path)
        shutil.rmtree(path, ignore_errors=True)


def stop_leftover_caddy(run_dir: Path) -> None:
    """A Caddy a test left running in `run_dir` (a test that failed half way): ended by the
    PID in its pid file, and only if that process is the Caddy of this pid file."""
    pidfile = run_dir / "caddy.pid"
    try:
        pid = int(pidfile.read_text().strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError):
        return
    if str(pidfile).encode() in command:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@asynccontextmanager
async def serving(
    app: Starlette, *, port: int | None = None, uds: Path | None = None
) -> AsyncIterator[uvicorn.Server]:
    """`app` under uvicorn in this event loop, on a loopback port or a unix socket."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port or 0,
        uds=str(uds) if uds else None,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
    try:
        yield server
    finally:
        server.should_exit = True
        await task


@dataclass
class EchoTool:
    """A tool that answers with what it received; `/slow` waits until `release` is set."""

    name: str
    port: int = field(default_factory=free_port)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    slow_started: asyncio.Event = field(default_factory=asyncio.Event)
    # `/stream` sends its first event, then its second once this is set.
    stream_continues: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def upstream(self) -> Upstream:
        return Upstream("127.0.0.1", self.port)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/slow", self._slow),
                Route("/stream", self._stream),
                WebSocketRoute("/ws", self._echo_socket),
                Route("/{path:path}", self._echo, methods=["GET", "POST", "PUT"]),
            ]
        )

    async def _echo(self, request: Request) -> Response:
        body = await request.body()
        return JSONResponse(
            {
                "tool": self.name,
                "method": request.method,
                "path": request.url.path,
                "query": request.url.query,
                "headers": [[k, v] for k, v in request.headers.items()],
                "body": body.decode(errors="replace") if len(body) < 4096 else "",
                "length": len(body),
                "sha256": hashlib.sha256(body).hexdigest(),
            }
        )

    async def _slow(self, request: Request) -> Response:
        self.slow_started.set()
        await self.release.wait()
        return PlainTextResponse(f"{self.name} slow done")

    async def _stream(self, request: Request) -> Response:
        async def events() -> AsyncIterator[bytes]:
            yield b"data: first\n\n"
            await self.stream_continues.wait()
            yield b"data: second\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    async def _echo_socket(self, websocket: WebSocket) -> None:
        await websocket.accept()
        with contextlib.suppress(Exception):
            while True:
                await websocket.send_text(f"{self.name}: {await websocket.receive_text()}")


@dataclass
class MacheteStandIn:
    """MACHETE behind the gateway: the dashboard, sign-in callbacks, and `/_machete/auth`,
    which admits a request carrying the cookie `machete_tool_session=ok` (or its TLS spelling
    `__Host-machete_tool_session=ok`, or the bearer token `good-token`) as alice, and sends anyone
    else to sign in."""

    checks: list[dict[str, str]] = field(default_factory=list)
    role: str = "VIEWER"
    refusal_status: int = 302

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/_machete/auth", self._auth),
                Route("/{path:path}", self._page, methods=["GET", "POST"]),
            ]
        )

    async def _auth(self, request: Request) -> Response:
        headers = dict(request.headers.items())
        self.checks.append(headers)
        signed_in = "ok" in (
            request.cookies.get("machete_tool_session"),
            request.cookies.get("__Host-machete_tool_session"),
        )
        if signed_in or headers.get("authorization") == "Bearer good-token":
            return PlainTextResponse(
                "",
                headers={"X-Machete-User": "alice", "X-Machete-Role": self.role, "X-Other": "no"},
            )
        response = PlainTextResponse("please sign in", status_code=self.refusal_status)
        response.headers["Location"] = "http://localhost/sign-in"
        response.set_cookie("machete_return_to", "t")
        return response

    async def _page(self, request: Request) -> Response:
        return JSONResponse(
            {
                "machete": True,
                "path": request.url.path,
                "headers": [[k, v] for k, v in request.headers.items()],
            }
        )


@dataclass
class RunningGateway:
    site: GatewaySite
    paths: CaddyPaths
    gateway: CaddyGateway
    supervisor: CaddySupervisor
    admin: CaddyAdmin
    loads: list[bytes] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.site.listen_port

    @property
    def pid(self) -> int:
        assert self.supervisor.pid is not None
        return self.supervisor.pid

    def client(self, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{self.port}", trust_env=False, timeout=20, **kwargs
        )

    async def get(self, host: str, path: str = "/", **kwargs: Any) -> httpx.Response:
        headers = {"Host": host, **kwargs.pop("headers", {})}
        async with self.client() as client:
            return await client.get(path, headers=headers, **kwargs)

    async def raw(self, request: bytes) -> tuple[int, bytes]:
        """Send `request` as it is (HTTP/1.1, `Connection: close`): the status and the body.
        For request targets an HTTP client would tidy up (`//x`, absolute forms)."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(request)
            await writer.drain()
            async with asyncio.timeout(10):
                answer = await reader.read()
        finally:
            writer.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), body

    async def raw_get(self, host: str, target: str) -> tuple[int, bytes]:
        return await self.raw(
            f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
        )


def gateway_site(run_dir: Path, api_socket: Path, port: int, **changes: Any) -> GatewaySite:
    paths = caddy_paths(run_dir)
    site = GatewaySite(
        listen_host="127.0.0.1",
        listen_port=port,
        base_domain=BASE_DOMAIN,
        api_upstream=f"unix/{api_socket}",
        admin_listen=AdminEndpoint(socket=paths.admin_socket).caddy_listen(ADMIN_SOCKET_MODE),
        dashboard_url=f"http://{BASE_DOMAIN}:{port}",
        tls=TlsMode.OFF,
        storage_dir=str(paths.storage_dir),
        log_admin_requests=False,
        api_try_duration="2s",
    )
    return dataclasses.replace(site, **changes)


def caddy_paths(run_dir: Path) -> CaddyPaths:
    return CaddyPaths(run_dir=run_dir, admin_socket=run_dir / "caddy-admin.sock")


def supervised_caddy(
    run_dir: Path, site: GatewaySite, gateway: CaddyGateway | None = None
) -> CaddySupervisor:
    paths = caddy_paths(run_dir)
    endpoint = AdminEndpoint(socket=paths.admin_socket)
    process = CaddyProcess(caddy_binary(), paths, site.admin_listen)
    return CaddySupervisor(
        process,
        CaddyAdmin(endpoint, timeout_seconds=2.0),
        interval_seconds=0.25,
        on_replaced=gateway.forget_applied if gateway else None,
    )


@asynccontextmanager
async def running_gateway(
    run_dir: Path,
    api_socket: Path,
    *,
    on_restart: RestartHook | None = None,
    port: int | None = None,
    **site_changes: Any,
) -> AsyncIterator[RunningGateway]:
    """A supervised Caddy for `run_dir`, stopped (by its PID) when the block ends."""
    site = gateway_site(run_dir, api_socket, port or free_port(), **site_changes)
    paths = caddy_paths(run_dir)
    admin = CaddyAdmin(AdminEndpoint(socket=paths.admin_socket))
    gateway = CaddyGateway(admin, site, mode="embedded")
    supervisor = supervised_caddy(run_dir, site, gateway)
    running = RunningGateway(site, paths, gateway, supervisor, admin)
    original_load = admin.load

    async def counted_load(config: bytes) -> None:
        running.loads.append(config)
        await original_load(config)

    admin.load = counted_load
    await supervisor.start(on_restart)
    try:
        yield running
    finally:
        await supervisor.stop()
        await admin.aclose()


def echoed_headers(response: httpx.Response) -> dict[str, list[str]]:
    """The headers an echo tool (or the stand-in) received, by lowercase name."""
    received: dict[str, list[str]] = {}
    for name, value in response.json()["headers"]:
        received.setdefault(name.lower(), []).append(value)
    return received


def listening_tcp_ports(pid: int) -> set[int]:
    """The TCP ports process `pid` listens on, from its sockets' inodes in /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
    ports = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


async def eventually(check: Callable[[], Any], within_seconds: float, step: float = 0.05) -> Any:
    """The first truthy result of `check` (sync or async) within the time, else the last;
    a request that fails meanwhile counts as a falsy result."""
    deadline = asyncio.get_running_loop().time() + within_seconds
    while True:
        try:
            result = check()
            if asyncio.iscoroutine(result):
                result = await result
        except httpx.HTTPError:
            result = None
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(step)

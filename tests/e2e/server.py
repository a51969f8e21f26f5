"""A real `machete serve` process on 127.0.0.1, and a small GraphQL client for it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def machete_command(*args: str) -> list[str]:
    """The installed `machete` console script of this environment."""
    return [str(Path(sys.executable).parent / "machete"), *args]


@dataclass
class RunningServer:
    process: subprocess.Popen[bytes]
    base_url: str
    env: dict[str, str]
    log_path: Path
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    @property
    def ws_url(self) -> str:
        return self.graphql_url.replace("http://", "ws://")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def server_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MACHETE_")}
    env.update(
        MACHETE_DATA_DIR=str(data_dir),
        MACHETE_DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
    )
    # The API's own tests talk to it directly; the gateway's tests ask for one.
    env.setdefault("MACHETE_GATEWAY", "off")
    env.update(extra)
    return env


def start_server(
    env: dict[str, str], log_path: Path, port: int | None = None, scheme: str = "http"
) -> RunningServer:
    """`scheme`: https when the gateway in front serves TLS (readiness is then checked without
    verifying its certificate: the tests verify it themselves)."""
    port = port or free_port()
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            machete_command("serve", "--host", "127.0.0.1", "--port", str(port)),
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = RunningServer(process, f"{scheme}://127.0.0.1:{port}", env, log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"machete serve exited early:\n{server.log()}")
        try:
            ready = httpx.get(f"{server.base_url}/readyz", timeout=1, verify=scheme == "http")
            if ready.status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"machete serve did not become ready:\n{server.log()}")


class GraphQLClient:
    def __init__(self, url: str) -> None:
        self._client = httpx.AsyncClient(timeout=30)
        self._url = url

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        body = {"query": query, "variables": variables or {}}
        try:
            response = await self._client.post(self._url, json=body, headers=sent)
        except (httpx.ReadError, httpx.RemoteProtocolError):
            # A gateway reloading its routes closes idle keep-alive connections; a request
            # sent on one as it closed is retried once if it is a query (idempotent, as
            # browsers retry it). A mutation's failure is the test's to see.
            if not is_query(query):
                raise
            response = await self._client.post(self._url, json=body, headers=sent)
        assert response.status_code == 200, response.text
        return response.json()

    async def close(self) -> None:
        await self._client.aclose()


def is_query(document: str) -> bool:
    head = document.lstrip()
    return head.startswith("{") or head.startswith("query")


def error_codes(result: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in result.get("errors", [])]

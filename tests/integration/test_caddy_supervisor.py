"""The embedded Caddy's process and supervisor with the real Caddy: what is adopted, what is
replaced, what outlives MACHETE, and what a failed start says."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from domain.gateway.routes import RouteState, RouteTable, ToolRoute
from domain.tools.access_level import ToolAccess
from infra.gateway.caddy.admin import CaddyAdmin
from infra.gateway.caddy.endpoint import AdminEndpoint
from infra.gateway.caddy.gateway import CaddyGateway
from infra.gateway.caddy.liveness import is_alive
from infra.gateway.caddy.process import CaddyStartFailed
from tests.integration.caddy_support import (
    EchoTool,
    RunningGateway,
    eventually,
    gateway_site,
    running_gateway,
    serving,
    short_run_dir,
    supervised_caddy,
)
from tests.services import unavailable

NOBODY = 65534


@pytest.fixture
def run_dir() -> Iterator[Path]:
    with short_run_dir() as path:
        yield path


@pytest.fixture
async def tool() -> AsyncIterator[EchoTool]:
    echo = EchoTool("echo")
    async with serving(echo.app(), port=echo.port):
        yield echo


def table_of(tool: EchoTool) -> RouteTable:
    route = ToolRoute(
        uuid.UUID(int=3),
        tool.name,
        (f"{tool.name}.localhost",),
        ToolAccess.PUBLIC,
        RouteState.SERVING,
        tool.upstream,
    )
    return RouteTable((route,))


async def reaches(running: RunningGateway, tool: EchoTool) -> bool:
    return (await running.get(f"{tool.name}.localhost")).status_code == 200


async def test_a_caddy_that_stops_answering_is_replaced(run_dir: Path, tool: EchoTool) -> None:
    async with running_gateway(run_dir, run_dir / "api.sock") as running:
        await running.gateway.apply(table_of(tool))
        frozen = running.pid
        os.kill(frozen, signal.SIGSTOP)
        try:
            replaced = await eventually(lambda: running.pid != frozen, within_seconds=10)
            assert replaced
            assert await eventually(lambda: reaches(running, tool), within_seconds=5)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(frozen, signal.SIGCONT)
        assert not is_alive(frozen)


@pytest.fixture
def bystander() -> Iterator[subprocess.Popen[bytes]]:
    """Some process that is not Caddy (as after a reboot gave the old PID to another)."""
    process = subprocess.Popen(["sleep", "30"])
    try:
        yield process
    finally:
        process.kill()
        process.wait()


async def test_a_pidfile_naming_another_process_is_not_adopted_and_that_process_lives(
    run_dir: Path, bystander: subprocess.Popen[bytes]
) -> None:
    (run_dir / "caddy.pid").write_text(str(bystander.pid))
    async with running_gateway(run_dir, run_dir / "api.sock") as running:
        assert running.pid != bystander.pid
        assert bystander.poll() is None


@pytest.fixture
def impostor(run_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Another user's process that names our pidfile in its arguments, as a Caddy would."""
    if os.geteuid() != 0:
        unavailable("Root (to start another user's process; CI runs as root)")
    # A shell that stays (no exec of its last command) with the pidfile among its arguments.
    script = ["/bin/sh", "-c", "sleep 30; :", "sh", str(run_dir / "caddy.pid")]
    process = subprocess.Popen(script, user=NOBODY, group=NOBODY)
    try:
        yield process
    finally:
        process.kill()
        process.wait()


async def test_another_users_process_is_neither_adopted_nor_killed_whatever_its_arguments(
    run_dir: Path, impostor: subprocess.Popen[bytes]
) -> None:
    (run_dir / "caddy.pid").write_text(str(impostor.pid))
    async with running_gateway(run_dir, run_dir / "api.sock") as running:
        assert running.pid != impostor.pid
        assert impostor.poll() is None


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o703])
async def test_a_run_directory_others_may_write_to_is_refused(
    run_dir: Path, mode: int, bystander: subprocess.Popen[bytes]
) -> None:
    """Whoever may write there could plant a pidfile and an admin socket of their own, and
    have MACHETE adopt a fake gateway (and send it every route)."""
    os.chmod(run_dir, mode)
    (run_dir / "caddy.pid").write_text(str(bystander.pid))
    supervisor = supervised_caddy(run_dir, gateway_site(run_dir, run_dir / "api.sock", 1))
    with pytest.raises(CaddyStartFailed, match="others may write"):
        await supervisor.start()
    await supervisor.close()
    assert supervisor.pid is None and bystander.poll() is None
    assert not (run_dir / "caddy-admin.sock").exists()


async def test_a_caddy_that_cannot_start_says_why(run_dir: Path, tool: EchoTool) -> None:
    async with running_gateway(run_dir, run_dir / "api.sock") as running:
        await running.gateway.apply(table_of(tool))
        port = running.port
    # Its autosaved configuration is resumed at the next start, on a port now taken.
    with socket.create_server(("127.0.0.1", port)):
        supervisor = supervised_caddy(run_dir, running.site)
        with pytest.raises(CaddyStartFailed, match="address already in use"):
            await supervisor.start()
        await supervisor.close()


async def test_a_stopped_caddy_starts_again_with_the_routes_it_served(
    run_dir: Path, tool: EchoTool
) -> None:
    async with running_gateway(run_dir, run_dir / "api.sock") as running:
        await running.gateway.apply(table_of(tool))
        first = running.pid
    assert not is_alive(first)
    assert not (run_dir / "caddy.pid").exists()
    assert (run_dir / "caddy" / "config" / "caddy" / "autosave.json").exists()
    async with running_gateway(run_dir, run_dir / "api.sock", port=running.port) as again:
        assert again.pid != first
        assert await reaches(again, tool)  # resumed, before anything is applied


async def test_caddy_outlives_machete_and_the_next_machete_adopts_it_without_cutting_sockets(
    run_dir: Path, tool: EchoTool
) -> None:
    async with running_gateway(run_dir, run_dir / "api.sock") as running:
        await running.gateway.apply(table_of(tool))
        url = f"ws://{tool.name}.localhost:{running.port}/ws"
        async with connect(url, host="127.0.0.1", port=running.port, open_timeout=10) as ws:
            await running.supervisor.close()  # MACHETE exits
            assert await reaches(running, tool)
            # The next MACHETE: a new gateway and supervisor for the same run directory.
            admin = CaddyAdmin(AdminEndpoint(socket=running.paths.admin_socket))
            successor = CaddyGateway(admin, running.site, mode="embedded")
            supervisor = supervised_caddy(run_dir, running.site, successor)
            await supervisor.start()
            try:
                assert supervisor.pid == running.pid
                await successor.apply(table_of(tool))
                await ws.send("still there")
                assert await asyncio.wait_for(ws.recv(), 5) == "echo: still there"
            finally:
                await supervisor.close()
                await admin.aclose()


def environment_names(pid: int) -> set[bytes]:
    environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return {entry.split(b"=", 1)[0] for entry in environment if entry}


async def test_caddy_gets_none_of_machetes_environment(
    run_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MACHETE_SECRET_KEY", "never-for-caddy")
    async with running_gateway(run_dir, run_dir / "api.sock") as running:
        names = environment_names(running.pid)
    assert b"MACHETE_SECRET_KEY" not in names
    assert {b"XDG_CONFIG_HOME", b"XDG_DATA_HOME", b"CADDY_ADMIN"} <= names

"""`machete worker` as a real process against the database under test (SQLite or PostgreSQL)."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.builds.model import Build, BuildTrigger
from domain.tools.model import Tool
from domain.tools.status import DesiredState
from infra.db.engine import create_engine, create_session_factory
from infra.db.unit_of_work import SqlAlchemyUnitOfWork
from infra.events.choice import create_event_bus
from infra.settings import Settings
from infra.worker_process import STOP_SIGNALS, stop_on_signals
from tests.conftest import TEST_SECRET_KEY, dispose_database_url, new_database_url
from tests.e2e.server import ROOT, machete_command, server_env
from tests.integration.event_bus_support import silent_postgres_url, silent_server

HANG_GUARD_SECONDS = 60
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log_path: Path
    database_url: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str) -> None:
        deadline = time.monotonic() + HANG_GUARD_SECONDS
        while text not in self.log():
            assert self.process.poll() is None, f"the worker exited early:\n{self.log()}"
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.log()}"
            time.sleep(0.1)

    def stop(self, signum: signal.Signals = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=HANG_GUARD_SECONDS)


@contextmanager
def running_worker(root: Path, database_url: str, **env: str) -> Iterator[Worker]:
    settings = {"MACHETE_SECRET_KEY": TEST_SECRET_KEY, "MACHETE_NETWORK_MODE": "host", **env}
    log_path = root / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            machete_command("worker"),
            env=server_env(root / "data", database_url, **settings),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    worker = Worker(process, log_path, database_url)
    try:
        yield worker
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=HANG_GUARD_SECONDS)


@asynccontextmanager
async def fresh_database(root: Path) -> AsyncIterator[str]:
    url = await new_database_url(root, "machete_worker")
    try:
        yield url
    finally:
        await dispose_database_url(url)


def expected_bus(database_url: str) -> str:
    return "postgres" if database_url.startswith("postgresql") else "in-process"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_the_worker_logs_its_slots_and_bus_then_exits_cleanly_when_told_to_stop(
    tmp_path: Path, signum: signal.Signals
) -> None:
    async with fresh_database(tmp_path) as url:
        with running_worker(tmp_path, url, MACHETE_WORKER_CONCURRENCY="3") as worker:
            worker.wait_for_log(f"worker started: 3 slots, event bus: {expected_bus(url)}")
            assert worker.stop(signum) == 0, worker.log()
        assert "Traceback" not in worker.log()


async def test_the_worker_builds_what_another_process_queued(tmp_path: Path) -> None:
    async with fresh_database(tmp_path) as url:
        with running_worker(tmp_path, url, MACHETE_ALLOW_LOCAL_REPOS="true") as worker:
            worker.wait_for_log("worker started")
            build = await queue_build(url, tmp_path, f"file://{tmp_path}/no-such-repo")
            finished = await wait_until_finished(url, build)
            assert worker.stop() == 0, worker.log()
    # The repository does not exist, so the worker's build fails while cloning.
    assert finished.failure is not None, worker.log()
    assert finished.failure.code == "REPOSITORY_UNREACHABLE"


def test_the_worker_refuses_to_start_without_build_slots(tmp_path: Path) -> None:
    env = server_env(
        tmp_path / "data",
        f"sqlite+aiosqlite:///{tmp_path}/w.db",
        MACHETE_SECRET_KEY=TEST_SECRET_KEY,
        MACHETE_WORKER_CONCURRENCY="0",
    )
    result = subprocess.run(
        machete_command("worker"), env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "MACHETE_WORKER_CONCURRENCY is 0" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_worker_refuses_a_postgres_event_bus_on_sqlite(tmp_path: Path) -> None:
    env = server_env(
        tmp_path / "data",
        f"sqlite+aiosqlite:///{tmp_path}/w.db",
        MACHETE_SECRET_KEY=TEST_SECRET_KEY,
        MACHETE_EVENT_BUS="postgres",
    )
    result = subprocess.run(
        machete_command("worker"), env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "needs a PostgreSQL MACHETE_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


async def test_a_production_worker_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    async with fresh_database(tmp_path) as url:
        with running_worker(tmp_path, url, MACHETE_MODE="production") as worker:
            assert worker.process.wait(timeout=HANG_GUARD_SECONDS) == 1
        assert "run `machete db upgrade` first" in worker.log()


def api_settings(url: str, root: Path) -> Settings:
    """Another process's settings: an API replica that builds nothing itself."""
    return Settings(
        _env_file=None,
        data_dir=root / "api",
        database_url=url,
        secret_key=TEST_SECRET_KEY,
        worker_concurrency=0,
    )


async def queue_build(url: str, root: Path, repo_url: str) -> Build:
    tool = Tool("queued-elsewhere", repo_url, None, None, 23461, NOW, NOW)
    tool.desired_state = DesiredState.STOPPED
    build = Build.queue(tool.id, 1, BuildTrigger.INSTALL, None, NOW)
    engine = create_engine(url)
    events = create_event_bus(api_settings(url, root))  # tells the worker on PostgreSQL
    try:
        async with SqlAlchemyUnitOfWork(create_session_factory(engine), events=events) as work:
            await work.tools.add(tool)
            await work.builds.add(build)
            await work.commit()
    finally:
        await events.close()
        await engine.dispose()
    return build


async def wait_until_finished(url: str, build: Build) -> Build:
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    try:
        async with asyncio.timeout(HANG_GUARD_SECONDS):
            while True:
                async with SqlAlchemyUnitOfWork(sessions, read_only=True) as work:
                    current = await work.builds.get(build.id)
                assert current is not None
                if current.status.is_finished:
                    return current
                await asyncio.sleep(0.2)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("mode", ["development", "production"])
def test_a_stop_while_the_database_never_answers_ends_the_worker_without_waiting(
    tmp_path: Path, mode: str
) -> None:
    # Development migrates on start (in a thread), production only reads the schema version.
    with silent_server() as database:
        url = silent_postgres_url(database)
        with running_worker(tmp_path, url, MACHETE_MODE=mode) as worker:
            assert database.connected.wait(HANG_GUARD_SECONDS), worker.log()
            assert worker.stop() == 0, worker.log()
    assert "worker stopped before it had started" in worker.log()
    assert "worker started" not in worker.log()
    assert "Traceback" not in worker.log()


async def test_after_the_first_stop_signal_a_second_one_gets_the_default_action() -> None:
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    try:
        stop = stop_on_signals()
        assert not stop.is_set()
        signal.raise_signal(signal.SIGTERM)
        async with asyncio.timeout(HANG_GUARD_SECONDS):
            await stop.wait()
        # Default: a second Ctrl-C (or SIGTERM) ends the process, even if shutting down hangs.
        assert [signal.getsignal(signum) for signum in STOP_SIGNALS] == [signal.SIG_DFL] * 2
    finally:
        for signum, handler in previous.items():
            asyncio.get_running_loop().remove_signal_handler(signum)
            signal.signal(signum, handler)

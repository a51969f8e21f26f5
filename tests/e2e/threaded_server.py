"""The real app under a real uvicorn, in a thread of the test process, so tests can look inside:
its asyncio tasks, bus registrations and open connections."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import uvicorn

from graph.app import create_app
from graph.live.connections import LiveConnections
from infra.bootstrap import Application
from infra.settings import Settings
from tests.conftest import TEST_SECRET_KEY, dispose_database_url, new_database_url
from tests.e2e.server import free_port

T = TypeVar("T")
STARTUP_SECONDS = 60


class ThreadedServer:
    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.app = create_app(settings)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, name="machete-server", daemon=True)

    @property
    def graphql_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def application(self) -> Application:
        return self.app.state.application

    @property
    def live(self) -> LiveConnections:
        return self.app.state.live

    def _run(self) -> None:
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.server.serve())
        finally:
            self.loop.close()

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the server stopped while starting")
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)

    async def inside(self, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run `work` on the server's event loop and return its result here."""
        assert self.loop is not None
        future = asyncio.run_coroutine_threadsafe(work(), self.loop)
        return await asyncio.wrap_future(future)

    async def probe(self) -> dict[str, Any]:
        async def read() -> dict[str, Any]:
            return {
                "tasks": len(asyncio.all_tasks()) - 1,
                "registrations": self.application.events.registrations,
                "connections": self.live.count,
                "feeds": self.live.open_feeds,
            }

        return await self.inside(read)

    async def wait_for(self, key: str, value: int, within: float = 60) -> dict[str, Any]:
        """Probe until `key` reads `value`; the probe then."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            probe = await self.probe()
            if probe[key] == value:
                return probe
            assert asyncio.get_running_loop().time() < deadline, f"{key} stayed {probe}"
            await asyncio.sleep(0.2)

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=60)
        assert not self._thread.is_alive(), "the server did not stop"


@asynccontextmanager
async def threaded_server(
    root: Path, prefix: str, **settings: Any
) -> AsyncIterator[ThreadedServer]:
    """A started server with a fresh database of the kind under test; dropped afterwards."""
    database_url = await new_database_url(root, prefix)
    server = ThreadedServer(
        Settings(
            _env_file=None,
            data_dir=root / "data",
            database_url=database_url,
            secret_key=TEST_SECRET_KEY,
            **{"gateway": "off", **settings},
        )
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()
        await dispose_database_url(database_url)

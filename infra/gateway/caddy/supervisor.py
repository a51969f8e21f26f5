"""Keeps the embedded Caddy alive: started (or adopted) with MACHETE, watched twice a second,
replaced when it dies or its admin endpoint stops answering, and then given every route again.

Closing the supervisor leaves Caddy running: tools stay reachable while MACHETE is down, and
the next MACHETE adopts it. `stop` is the explicit way to end it (the CLI, the tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from domain.errors import DomainError
from infra.gateway.caddy.admin import CaddyAdmin
from infra.gateway.caddy.process import CaddyProcess, CaddyStartFailed

logger = logging.getLogger(__name__)

RestartHook = Callable[[], Awaitable[object]]
# A live process whose admin endpoint misses this many checks in a row is replaced.
MUTE_CHECKS = 3
MAX_BACKOFF_SECONDS = 30.0


class CaddySupervisor:
    def __init__(
        self,
        process: CaddyProcess,
        admin: CaddyAdmin,
        *,
        interval_seconds: float = 0.5,
        on_replaced: Callable[[], None] | None = None,
    ) -> None:
        self.process = process
        self._admin = admin
        self._interval = interval_seconds
        # Called first when Caddy is replaced (the gateway forgets what it applied).
        self._on_replaced = on_replaced
        self._on_restart: RestartHook | None = None
        self._watch: asyncio.Task[None] | None = None
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return self.process.pid

    async def start(self, on_restart: RestartHook | None = None) -> None:
        """Adopt the running Caddy or spawn one, then watch it. `on_restart` re-applies the
        routes after a replacement (the app passes `RouteSync.apply`)."""
        self._on_restart = on_restart
        await asyncio.to_thread(self.process.ensure_running)
        if self._watch is None:
            self._watch = asyncio.create_task(self._watch_loop(), name="caddy-supervisor")

    async def close(self) -> None:
        """Stop watching for good; Caddy keeps running."""
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
            self._watch = None
        await self._admin.aclose()

    async def stop(self) -> None:
        await self.close()
        await asyncio.to_thread(self.process.stop)

    async def _watch_loop(self) -> None:
        mute = 0
        backoff = self._interval
        while True:
            await asyncio.sleep(backoff)
            if self.process.is_running():
                mute = 0 if await self._admin.answers() else mute + 1
                if mute < MUTE_CHECKS:
                    backoff = self._interval
                    continue
            try:
                await self._replace()
            except CaddyStartFailed as error:
                logger.error("could not restart the gateway: %s", error)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            mute, backoff = 0, self._interval

    async def _replace(self) -> None:
        before = self.process.pid
        logger.warning("the gateway (Caddy, pid %s) is gone or mute: restarting it", before)
        pid = await asyncio.to_thread(self.process.ensure_running)
        self.restarts += 1
        logger.info("the gateway is back (pid %d)", pid)
        if self._on_replaced is not None:
            self._on_replaced()
        if self._on_restart is not None:
            # On failure Caddy still serves the routes it resumed with, and the next
            # reconciler pass applies the table again.
            try:
                await self._on_restart()
            except DomainError as error:
                logger.warning("could not apply the routes to the new gateway: %s", error.message)
            except Exception:
                logger.exception("could not apply the routes to the new gateway")

"""The in-process build worker pool: claims queued builds under leases and runs them.

Cancellation reaches a build two ways: directly, when the cancel request arrives in this
process, and through the database (`cancel_requested_at`), which the lease heartbeat reads,
so a cancel sent to another API replica still stops the build within seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from domain.builds.model import Build
from domain.builds.pipeline import BuildControl
from domain.builds.recovery import BuildRecovery
from domain.clock import Clock
from domain.events import BuildChanged, BuildQueued
from domain.ports import UnitOfWorkFactory

logger = logging.getLogger(__name__)
IDLE_POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 1.0
STOP_WAIT_SECONDS = 5.0


class BuildRunner(Protocol):
    """What the worker needs of the build pipeline (tests run stubs instead)."""

    async def run(self, build_id: uuid.UUID, control: BuildControl) -> None: ...


@dataclass
class RunningBuild:
    task: asyncio.Task[None]
    control: BuildControl


class BuildWorker:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        pipeline: BuildRunner,
        recovery: BuildRecovery,
        clock: Clock,
        *,
        concurrency: int,
        lease_seconds: int,
    ) -> None:
        self._uow = uow
        self._pipeline = pipeline
        self._recovery = recovery
        self._clock = clock
        self._concurrency = concurrency
        self._lease = timedelta(seconds=lease_seconds)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._wake = asyncio.Event()
        self._running: dict[uuid.UUID, RunningBuild] = {}
        self._loops: list[asyncio.Task[None]] = []
        self._reaper: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def concurrency(self) -> int:
        return self._concurrency

    @property
    def running_builds(self) -> int:
        return len(self._running)

    def start(self) -> None:
        self._loops = [
            asyncio.create_task(self._slot(), name=f"build slot {n}")
            for n in range(self._concurrency)
        ]
        if self._concurrency:
            self._reaper = asyncio.create_task(self._reap(), name="build lease reaper")

    async def stop(self) -> None:
        """Stop claiming; builds in flight are released to the queue for the next start."""
        self._stopping = True
        self._wake.set()
        for running in list(self._running.values()):
            self._stop_build(running, "shutdown")  # a cancel already under way keeps its reason
        await asyncio.gather(
            *(r.task for r in list(self._running.values())), return_exceptions=True
        )
        # Slots notice `_stopping` themselves; one still stuck in the database is cancelled.
        pending: set[asyncio.Task[None]] = set()
        if self._loops:
            _, pending = await asyncio.wait(self._loops, timeout=STOP_WAIT_SECONDS)
        if self._reaper is not None:
            pending.add(self._reaper)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def build_queued(self) -> None:
        self._wake.set()

    def cancel_requested(self, build_id: uuid.UUID) -> None:
        running = self._running.get(build_id)
        if running is not None:
            self._stop_build(running, "cancel")

    async def _slot(self) -> None:
        while not self._stopping:
            try:
                build = await self._claim()
            except Exception:
                logger.exception("claiming a build failed; retrying")
                build = None
            if build is not None and self._stopping:
                await self._release_claim(build)
                return
            if build is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_POLL_SECONDS)
                self._wake.clear()
                continue
            await self._run(build)

    async def _claim(self) -> Build | None:
        now = self._clock.now()
        async with self._uow() as uow:
            build = await uow.builds.claim_next(self.owner, now, now + self._lease)
            if build is not None:
                uow.record(BuildChanged(build.id))
            await uow.commit()
        return build

    async def _release_claim(self, build: Build) -> None:
        async with self._uow() as uow:
            await uow.builds.release_claim(build.id, self.owner)
            uow.record(BuildQueued(build.id))
            await uow.commit()

    async def _run(self, build: Build) -> None:
        control = BuildControl()
        task = asyncio.create_task(self._pipeline.run(build.id, control), name=f"build {build.id}")
        running = RunningBuild(task, control)
        self._running[build.id] = running
        heartbeat = asyncio.create_task(self._heartbeat(build.id, running))
        try:
            # Shielded: cancelling this slot must not cancel the build without a reason.
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.done():
                control.stop_reason = control.stop_reason or "shutdown"
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        except Exception:
            logger.exception("build %s crashed", build.id)
        finally:
            self._running.pop(build.id, None)
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)

    async def _heartbeat(self, build_id: uuid.UUID, running: RunningBuild) -> None:
        """Renew the lease; notice cancel requests made through other processes, and a lost
        lease (then another worker or the reaper owns the build: this one stops writing)."""
        renew_every = max(self._lease.total_seconds() / 3, HEARTBEAT_SECONDS)
        last_renewal = asyncio.get_running_loop().time()
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                renewed, cancel_requested = await self._beat(build_id, last_renewal, renew_every)
            except Exception:
                logger.exception("heartbeat of build %s failed", build_id)
                continue
            if renewed is False:
                self._stop_build(running, "lease_lost")
                logger.warning("build %s: lease lost; this worker stops it", build_id)
                return
            if renewed:
                last_renewal = asyncio.get_running_loop().time()
            if cancel_requested:
                self.cancel_requested(build_id)

    async def _beat(
        self, build_id: uuid.UUID, last_renewal: float, renew_every: float
    ) -> tuple[bool | None, bool]:
        async with self._uow() as uow:
            build = await uow.builds.get(build_id)
            renewed = None
            if asyncio.get_running_loop().time() - last_renewal >= renew_every:
                lease_until = self._clock.now() + self._lease
                renewed = await uow.builds.renew_lease(build_id, self.owner, lease_until)
                await uow.commit()
        return renewed, build is not None and build.cancel_requested_at is not None

    def _stop_build(self, running: RunningBuild, reason: str) -> None:
        if running.control.stop_reason is None:
            running.control.stop_reason = reason
            running.task.cancel()

    async def _reap(self) -> None:
        while not self._stopping:
            try:
                for build in await self._recovery.fail_interrupted():
                    logger.warning("build %s was interrupted (lease expired)", build.id)
            except Exception:
                logger.exception("failing interrupted builds failed")
            await asyncio.sleep(max(self._lease.total_seconds() / 2, 1.0))

"""A build queued through a unit of work wakes an idle worker at once: it does not wait for
the worker's next poll (which this test makes far longer than its hang guard)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from domain.builds.model import Build, BuildTrigger
from domain.tools.model import Tool
from domain.tools.status import DesiredState
from infra.bootstrap import Application
from infra.worker import build_worker

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
HANG_GUARD_SECONDS = 20


async def test_an_idle_worker_claims_a_newly_queued_build_without_waiting_for_its_poll(
    application: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_worker, "IDLE_POLL_SECONDS", 3600.0)
    await application.events.start()
    application.start_background_work()
    await asyncio.sleep(0.5)  # every slot has looked once, found nothing and gone idle

    tool = Tool("wake-me", "https://127.0.0.1:9/none.git", None, None, 23462, NOW, NOW)
    tool.desired_state = DesiredState.STOPPED
    build = Build.queue(tool.id, 1, BuildTrigger.INSTALL, None, NOW)
    async with application.unit_of_work() as work:
        await work.tools.add(tool)
        await work.builds.add(build)
        await work.commit()

    async with asyncio.timeout(HANG_GUARD_SECONDS):
        while True:
            async with application.unit_of_work(read_only=True) as work:
                current = await work.builds.get(build.id)
            assert current is not None
            if current.lease_owner is not None or current.status.is_finished:
                return
            await asyncio.sleep(0.05)

"""`machete worker` from start to exit: a stop signal is heard in every phase, and obeyed soon.

A database that accepts connections but never answers must not keep a stop request waiting
for connect timeouts, nor a hung shutdown keep the process alive: the first signal cancels
whatever is starting, a second one ends the process at once, and a shutdown that outlasts its
limit exits with status 1.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Coroutine
from typing import Any, NoReturn

import asyncpg
from sqlalchemy.exc import SQLAlchemyError

from infra.bootstrap import Application, DatabaseNotMigrated, bootstrap, prepare_database
from infra.events.choice import uses_postgres_bus
from infra.settings import Settings

logger = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
CLOSE_LIMIT_SECONDS = 30.0
CANCEL_WAIT_SECONDS = 5.0  # how long a cancelled startup step may take to unwind


async def work_until_stopped(settings: Settings) -> str | None:
    """Run until SIGTERM or SIGINT; the reason it could not start, if it could not."""
    try:
        application = bootstrap(settings)
    except ValueError as error:  # settings that contradict each other, e.g. the event bus
        return str(error)
    stop = stop_on_signals()
    started = False
    try:
        try:
            started = await unless_stopped(stop, _start(application))
        except DatabaseNotMigrated as error:
            return str(error)
        except (OSError, SQLAlchemyError, asyncpg.PostgresError) as error:
            return f"the database is unreachable ({type(error).__name__})"
        if started and not stop.is_set():
            await _work(application, stop)
    finally:
        # Releases builds in flight to the queue for the next worker to pick up.
        await close_within_limit(application)
    if not started:
        logger.info("worker stopped before it had started")
        # A migration cancelled mid-way may still wait on the database in a thread, which the
        # interpreter would join before exiting.
        exit_now(0)
    return None


async def _start(application: Application) -> None:
    await prepare_database(application)
    await application.events.start()
    await application.report_network_mode()


async def _work(application: Application, stop: asyncio.Event) -> None:
    application.start_background_work()
    bus = "postgres" if uses_postgres_bus(application.settings) else "in-process"
    logger.info(
        "worker started: %d slots, event bus: %s", application.background.worker.concurrency, bus
    )
    await stop.wait()
    logger.info("worker stopping: running builds go back to the queue (signal again to force)")


def stop_on_signals() -> asyncio.Event:
    """Set by the first SIGTERM or SIGINT; a second one gets the default action: exit now."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def request_stop() -> None:
        stop.set()
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
            signal.signal(signum, signal.SIG_DFL)

    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, request_stop)
    return stop


async def unless_stopped(stop: asyncio.Event, work: Coroutine[Any, Any, None]) -> bool:
    """Run `work` to its end (True; its errors propagate) unless a stop comes first (False)."""
    task = asyncio.create_task(work)
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        if not task.done():
            task.cancel()
    if task.done() and not task.cancelled():
        task.result()
        return True
    # Cancelled: a step stuck where cancelling does not reach is not waited for long.
    await asyncio.wait({task}, timeout=CANCEL_WAIT_SECONDS)
    return False


async def close_within_limit(application: Application) -> None:
    closing = asyncio.create_task(application.close())
    done, _ = await asyncio.wait({closing}, timeout=CLOSE_LIMIT_SECONDS)
    if closing in done:
        closing.result()
        return
    logger.error("shutting down took over %.0fs; exiting without finishing", CLOSE_LIMIT_SECONDS)
    exit_now(1)


def exit_now(code: int) -> NoReturn:
    """Exit without joining threads that may still wait on an unanswering database or engine."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

"""Running a `BuildSession` from the event loop so that cancelling the awaiting task aborts the
build, waits for its thread, and removes what it left behind before `CancelledError` goes on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from domain.builds.model import LogStream
from domain.containers import ImageBuild, LogSink
from domain.errors import EngineError, ErrorCode
from infra.docker.build_output import OutputLine
from infra.docker.image_build import BuildSession, LineEmitter

logger = logging.getLogger(__name__)

Cleanup = Callable[[bool], None]
"""Removes an unfinished build's leftovers; the flag says whether it was cancelled."""


def validate_build(build: ImageBuild) -> None:
    """Refuse a build docker would misread, before any call reaches the engine."""
    dockerfile = PurePosixPath(build.dockerfile)
    if dockerfile.is_absolute() or ".." in dockerfile.parts or not build.dockerfile.strip():
        problem = f"the Dockerfile path {build.dockerfile!r} must stay inside the build context"
    elif not build.context_dir.is_dir():
        problem = "the build context is not a directory"
    elif not (build.context_dir / dockerfile).is_file():
        problem = f"there is no {build.dockerfile} in the build context"
    elif not build.tag or build.tag.startswith("-"):
        problem = f"invalid image tag {build.tag!r}"
    else:
        return
    raise EngineError(f"The image build failed: {problem}", code=ErrorCode.IMAGE_BUILD_FAILED)


async def run_build(session: BuildSession, cleanup: Cleanup) -> str:
    running = asyncio.ensure_future(asyncio.to_thread(session.run))
    try:
        return await asyncio.shield(running)
    except asyncio.CancelledError:
        session.abort()
        await wait_through_cancellation(running)
        await wait_through_cancellation(asyncio.ensure_future(asyncio.to_thread(cleanup, True)))
        raise
    except EngineError as error:
        if error.code is ErrorCode.IMAGE_BUILD_FAILED:
            # A failed build's layers are untagged and unlabelled: nothing would ever remove them.
            cleanup_done = asyncio.ensure_future(asyncio.to_thread(cleanup, False))
            if await wait_through_cancellation(cleanup_done):
                raise asyncio.CancelledError from error
        raise


async def wait_through_cancellation(future: asyncio.Future[Any]) -> bool:
    """Wait until `future` is done even if this task is cancelled meanwhile (a thread cannot be
    stopped, so returning early would leave it running); True if cancellation was requested."""
    cancel_requested = False
    while not future.done():
        try:
            await asyncio.wait([future])
        except asyncio.CancelledError:
            cancel_requested = True
    if not future.cancelled() and future.exception() is not None:
        logger.debug("background docker work ended with: %r", future.exception())
    return cancel_requested


def loop_emitter(on_line: LogSink) -> LineEmitter:
    """Hand lines from the build's thread to `on_line` on the event loop's thread, in order
    (call_soon_threadsafe is FIFO, so they all arrive before the build's result does)."""
    loop = asyncio.get_running_loop()

    def emit(lines: list[OutputLine]) -> None:
        loop.call_soon_threadsafe(_deliver, on_line, lines)

    return emit


def _deliver(on_line: LogSink, lines: list[OutputLine]) -> None:
    for stream, line in lines:
        try:
            on_line(LogStream(stream), line)
        except Exception:
            logger.exception("a build log sink failed; the build goes on")

"""`ContainerEngine.follow_output` with docker-py: a container's output, then live lines.

One request asks for stdout and stderr together, and each frame of the answer says which of
the two it carries (docker-py's `logs()` drops that, hence the request is read here). The
blocking read runs in a thread of its own, not in the executor, which a long follow would
hold for good. Closing the feed shuts the response's socket (docker-py's `CancellableStream`),
which wakes that thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncGenerator, Callable
from datetime import datetime
from typing import Any

import docker
import requests
from docker.errors import DockerException
from docker.types import CancellableStream

from domain.containers import ContainerOutput
from domain.errors import ErrorCode
from infra.docker.error_mapping import engine_errors
from infra.docker.output_inbox import Inbox
from infra.docker.output_lines import read_lines
from infra.docker.output_request import OutputQuery, open_output

logger = logging.getLogger(__name__)
CALL_TIMEOUT_SECONDS = 60
THREAD_EXIT_SECONDS = 10


async def follow(
    shared_client: Callable[[], docker.DockerClient],
    connection: dict[str, Any],
    name: str,
    tail: int | None,
    since: datetime | None = None,
) -> AsyncGenerator[list[ContainerOutput], None]:
    inbox = Inbox(asyncio.get_running_loop())
    reader = _Reader(shared_client, connection, name, OutputQuery(tail, since), inbox)
    thread = threading.Thread(target=reader.run, name=f"output of {name}", daemon=True)
    thread.start()
    try:
        while batch := await inbox.next_batch():
            # The daemon stores stdout and stderr lines as each stream's copier gets to them;
            # their timestamps (when read from the container) order the two streams better.
            yield sorted(batch, key=lambda line: line.timestamp)
    finally:
        inbox.close()
        reader.cancel()
        await _stopped(thread, inbox)


async def _stopped(thread: threading.Thread, inbox: Inbox) -> None:
    try:
        async with asyncio.timeout(THREAD_EXIT_SECONDS):  # a hang guard only
            await inbox.ended()
    except TimeoutError:
        logger.warning("%s did not stop; it ends when the engine answers", thread.name)
        return
    thread.join(timeout=1)  # it has said its last word: all that is left is to return


class _Reader:
    """The thread's work: open the stream, pass lines on, and let the loop cut it short."""

    def __init__(
        self,
        shared_client: Callable[[], docker.DockerClient],
        connection: dict[str, Any],
        name: str,
        query: OutputQuery,
        inbox: Inbox,
    ) -> None:
        self._shared_client = shared_client
        self._connection = connection
        self._name = name
        self._query = query
        self._inbox = inbox
        self._lock = threading.Lock()
        self._cancelled = False
        self._stream: CancellableStream[object] | None = None

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            if self._stream is not None:
                try:
                    self._stream.close()
                except (DockerException, OSError, AttributeError) as error:
                    # Over SSH docker-py cannot cut a stream: the thread ends with the container.
                    logger.debug("could not cut the output stream of %s: %s", self._name, error)

    def run(self) -> None:
        api: docker.APIClient | None = None
        response: requests.Response | None = None
        error: Exception | None = None
        try:
            with engine_errors("read the container's output", ErrorCode.ENGINE_UNAVAILABLE):
                # A client of its own: cutting this stream's socket touches no other call.
                version = self._shared_client().api.api_version
                api = docker.APIClient(
                    **self._connection, version=version, timeout=CALL_TIMEOUT_SECONDS
                )
                response, tty = open_output(api, self._name, self._query)
                if self._watch(response):
                    self._pass_on(response, tty)
        except Exception as failure:
            error = None if self._was_cancelled() else failure
        finally:
            with self._lock:
                self._stream = None
                for resource in (response, api):
                    if resource is not None:
                        resource.close()
            self._inbox.end(error)

    def _watch(self, response: requests.Response) -> bool:
        """Make the response cuttable by `cancel`; False when the feed closed meanwhile."""
        with self._lock:
            if self._cancelled:
                return False
            self._stream = CancellableStream(iter(()), response)
            return True

    def _was_cancelled(self) -> bool:
        with self._lock:
            return self._cancelled

    def _pass_on(self, response: requests.Response, tty: bool) -> None:
        try:
            self._read(response, tty)
        except Exception:
            if not self._was_cancelled():
                raise
            # The cut socket broke the read: expected, and not the engine's fault.

    def _read(self, response: requests.Response, tty: bool) -> None:
        for line in read_lines(response.raw, tty):
            if not self._inbox.put(line):
                return  # nobody listens any more

"""One classic-builder build, run on a worker thread and abortable from the event loop.

Aborting shuts down the response's socket: the daemon then stops the build and its step
container (closing a docker-py stream from another thread would block instead).
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol, TypeVar

import docker
from docker.errors import APIError
from requests.exceptions import RequestException

from domain.containers import ImageBuild
from domain.errors import EngineError, ErrorCode
from infra.docker.build_output import BuildOutput, OutputLine
from infra.docker.error_mapping import TRANSPORT_ERRORS, engine_errors, explanation, unreachable

logger = logging.getLogger(__name__)

LineEmitter = Callable[[list[OutputLine]], None]
T = TypeVar("T")


class BuildAborted(Exception):
    """The build stopped because `abort` was called."""


class BuildSession:
    def __init__(self, api: docker.APIClient, build: ImageBuild, emit: LineEmitter) -> None:
        self._api = api
        self._build = build
        self._emit = emit
        self._lock = threading.Lock()
        self._response: Any = None
        self._aborted = False
        self.output = BuildOutput()

    @property
    def aborted(self) -> bool:
        return self._aborted

    def abort(self) -> None:
        """Safe from any thread; returns at once."""
        with self._lock:
            self._aborted = True
            self._shut_down_socket()

    def run(self) -> str:
        """Blocking: stream the build, delivering lines; return the image id."""
        self._api.hooks["response"].append(self._capture_response)
        with engine_errors("start the image build", ErrorCode.IMAGE_BUILD_FAILED):
            chunks = self._start()
        self._consume(chunks)
        if self.output.error is not None:
            raise EngineError(
                f"The image build failed: {self.output.error}", code=ErrorCode.IMAGE_BUILD_FAILED
            )
        with engine_errors("read the built image", ErrorCode.IMAGE_BUILD_FAILED):
            return self.output.image_id or str(self._api.inspect_image(self._build.tag)["Id"])

    def _start(self) -> Any:
        try:
            return self._api.build(
                path=str(self._build.context_dir),
                dockerfile=self._build.dockerfile,
                tag=self._build.tag,
                labels=dict(self._build.labels),
                decode=True,
                rm=True,
                forcerm=True,
                pull=False,
            )
        except RequestException:
            raise
        except OSError as error:
            # docker-py tars the context first: an unreadable file is the build's fault.
            raise EngineError(
                "The image build failed: the build context could not be read",
                code=ErrorCode.IMAGE_BUILD_FAILED,
            ) from error

    def _consume(self, chunks: Any) -> None:
        try:
            for chunk in chunks:
                self._deliver(self.output.feed(chunk))
            self._deliver(self.output.finish())
        except APIError as error:
            # A refusal before streaming starts (bad Dockerfile path, invalid tag, ...).
            raise EngineError(
                f"The image build failed: {explanation(error)}", code=ErrorCode.IMAGE_BUILD_FAILED
            ) from error
        except TRANSPORT_ERRORS as error:
            if self._aborted:
                raise BuildAborted from error
            logger.warning("docker build stream broke: %s", error)
            raise unreachable() from error
        if self._aborted:
            raise BuildAborted

    def _deliver(self, lines: list[OutputLine]) -> None:
        # Lines after a cancel belong to nobody: the caller has stopped listening.
        if lines and not self._aborted:
            self._emit(lines)

    def _capture_response(self, response: Any, *args: object, **kwargs: object) -> Any:
        with self._lock:
            self._response = response
            if self._aborted:
                self._shut_down_socket()
        return response

    def _shut_down_socket(self) -> None:
        connection = getattr(getattr(self._response, "raw", None), "connection", None)
        sock = getattr(connection, "sock", None)
        if sock is None:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError as error:
            logger.debug("build socket already closed: %s", error)


class CleanupApi(Protocol):
    """What cleanup uses of docker's APIClient (the unit tests pass a fake)."""

    def images(self, *, all: bool = ...) -> list[dict[str, Any]]: ...
    def remove_image(self, image: str, *, noprune: bool = ...) -> object: ...
    def remove_container(self, container: str, *, force: bool = ...) -> object: ...


def remove_build_leftovers(api: CleanupApi, output: BuildOutput, tag: str | None) -> None:
    """Remove what an unfinished build left: its step container, the tag (when given) and the
    layers it created, newest first. Layers now used by others (a conflict) are kept."""
    if step_container := output.step_container:
        _quietly(lambda: api.remove_container(step_container, force=True))
    if tag:
        _quietly(lambda: api.remove_image(tag, noprune=True))
    # A layer the engine committed just as the build was aborted never reached the output we
    # read: it is an untagged child of the newest layer we know of.
    unrecorded = _quietly(lambda: _untagged_descendants(api, output.created_layers)) or []
    for layer in [*output.created_layers, *unrecorded][::-1]:
        _quietly(partial(api.remove_image, layer, noprune=True))


def _untagged_descendants(api: CleanupApi, layers: list[str]) -> list[str]:
    """Untagged images descending from `layers`, parents before children."""
    if not layers:
        return []
    images = api.images(all=True)
    children: dict[str, list[dict[str, Any]]] = {}
    for image in images:
        children.setdefault(image.get("ParentId") or "", []).append(image)
    # The build output names layers by short id.
    short = tuple(layer.removeprefix("sha256:") for layer in layers)
    known = {
        image["Id"] for image in images if image["Id"].removeprefix("sha256:").startswith(short)
    }
    found: list[str] = []
    frontier = list(known)
    while frontier:
        for child in children.get(frontier.pop(), []):
            tags = [tag for tag in child.get("RepoTags") or [] if tag != "<none>:<none>"]
            if child["Id"] not in known and not tags:
                known.add(child["Id"])
                found.append(child["Id"])
                frontier.append(child["Id"])
    return found


def _quietly(remove: Callable[[], T]) -> T | None:
    """Best-effort cleanup: missing is fine, a conflict means someone else depends on it."""
    try:
        return remove()
    except APIError as error:
        logger.debug("build cleanup skipped: %s", explanation(error))
    except TRANSPORT_ERRORS as error:
        logger.warning("build cleanup failed, the engine is unreachable: %s", error)
    return None

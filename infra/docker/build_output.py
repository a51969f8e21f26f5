"""Reading the classic builder's JSON stream: whole log lines, the layers a build created,
the step container currently running, and the daemon's error if the build failed."""

from __future__ import annotations

import re
from typing import Any

from domain.builds.model import LogStream

RUNNING_IN = re.compile(r"^ ---> Running in ([0-9a-f]{12,64})$")
LAYER = re.compile(r"^ ---> ([0-9a-f]{12,64})$")
USING_CACHE = " ---> Using cache"
REMOVING_CONTAINER = "Removing intermediate container "
MAX_ERROR_LENGTH = 1000

OutputLine = tuple[LogStream, str]


class BuildOutput:
    """Feed it the decoded chunks in order; it hands back complete lines to deliver."""

    def __init__(self) -> None:
        self._partial = ""
        self._next_layer_is_cached = False
        self.created_layers: list[str] = []
        self.step_container: str | None = None
        self.image_id: str | None = None
        self.error: str | None = None

    def feed(self, chunk: dict[str, Any]) -> list[OutputLine]:
        if "error" in chunk or "errorDetail" in chunk:
            return self._failed(chunk)
        if "stream" in chunk:
            return [(LogStream.STDOUT, line) for line in self._lines(str(chunk["stream"]))]
        if "status" in chunk:
            # Only pulls report status; pull=False makes them rare (a missing base image).
            prefix = f"{chunk['id']}: " if chunk.get("id") else ""
            return [(LogStream.STDOUT, f"{prefix}{chunk['status']}")]
        aux = chunk.get("aux")
        if isinstance(aux, dict) and isinstance(aux.get("ID"), str):
            self.image_id = aux["ID"]
        return []

    def finish(self) -> list[OutputLine]:
        """The last line, when the stream ended without a newline."""
        if not self._partial:
            return []
        line, self._partial = self._partial, ""
        self._observe(line)
        return [(LogStream.STDOUT, line)]

    def _lines(self, text: str) -> list[str]:
        # Docker splits lines across chunks ("Step 1/5 : FROM x" then "\n"): keep the tail.
        *complete, self._partial = (self._partial + text).split("\n")
        lines = [line.rstrip("\r") for line in complete]
        for line in lines:
            self._observe(line)
        return lines

    def _observe(self, line: str) -> None:
        if line == USING_CACHE:
            self._next_layer_is_cached = True
        elif running := RUNNING_IN.match(line):
            self.step_container = running.group(1)
        elif line.startswith(REMOVING_CONTAINER):
            self.step_container = None
        elif layer := LAYER.match(line):
            # A cached layer existed before this build (and may belong to another one).
            if not self._next_layer_is_cached:
                self.created_layers.append(layer.group(1))
            self._next_layer_is_cached = False

    def _failed(self, chunk: dict[str, Any]) -> list[OutputLine]:
        detail = chunk.get("errorDetail")
        message = chunk.get("error") or (detail.get("message") if isinstance(detail, dict) else "")
        self.error = (str(message).strip() or "unknown error")[:MAX_ERROR_LENGTH]
        return [*self.finish(), (LogStream.STDERR, self.error)]

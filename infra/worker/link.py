"""The services' line to this process's build worker, which is built after them (it runs
their pipeline): signals go to the worker once it is attached, and to nobody before."""

from __future__ import annotations

import uuid

from infra.worker.build_worker import BuildWorker


class WorkerLink:
    def __init__(self) -> None:
        self._worker: BuildWorker | None = None

    def attach(self, worker: BuildWorker) -> None:
        self._worker = worker

    def build_queued(self) -> None:
        if self._worker is not None:
            self._worker.build_queued()

    def cancel_requested(self, build_id: uuid.UUID) -> None:
        if self._worker is not None:
            self._worker.cancel_requested(build_id)

    @property
    def concurrency(self) -> int:
        return self._worker.concurrency if self._worker is not None else 0

    @property
    def running_builds(self) -> int:
        return self._worker.running_builds if self._worker is not None else 0

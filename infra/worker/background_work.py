"""The background work of a process that builds: the build worker, the queue listener that
wakes it, and the tool monitor. An API replica with no worker slots runs none of them and
leaves all three to the `machete worker` processes."""

from __future__ import annotations

import logging

from infra.worker.background import TaskSupervisor
from infra.worker.build_worker import BuildWorker
from infra.worker.queue_listener import QueueListener
from infra.worker.tool_monitor import ToolMonitor

logger = logging.getLogger(__name__)


class BackgroundWork:
    def __init__(
        self,
        worker: BuildWorker,
        listener: QueueListener,
        monitor: ToolMonitor,
        tasks: TaskSupervisor,
    ) -> None:
        self.worker = worker
        self._listener = listener
        self._monitor = monitor
        self._tasks = tasks

    def start(self) -> None:
        if not self.worker.concurrency:
            return
        self.worker.start()
        self._tasks.spawn("build queue listener", self._listener.run)
        self._tasks.spawn("tool monitor", self._monitor.run)

    async def stop(self) -> None:
        await self.worker.stop()

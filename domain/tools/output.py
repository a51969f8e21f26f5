"""A tool's container output as a live feed: its last lines, then new ones, across restarts.

A container's log outlives its stops: started again, it still holds what it printed before,
so after the first run the feed asks the engine only for lines since the newest it has shown
(the engine includes that instant, so lines not newer are dropped here). A container created
anew (a restart, the reconciler) starts with an empty log; its lines are all newer anyway.

A run is known by the container's id and start time: a run that started and ended between
two looks still differs from the one followed before, even when both ended alike.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import datetime

from domain.clock import Clock
from domain.containers import ContainerOutput, ContainerState, container_name
from domain.errors import DomainError, NotFound
from domain.ports import ContainerEngine, UnitOfWorkFactory

POLL_SECONDS = 1.0


class _Shown:
    """How far the feed has got, by the engine's timestamps."""

    def __init__(self, began: datetime) -> None:
        self._began = began
        self.newest: datetime | None = None

    def replay_after(self) -> datetime:
        # Nothing shown yet (an empty tail): what was printed before the feed began is
        # history the subscriber did not ask for.
        return self.newest or self._began

    def fresh(self, batch: list[ContainerOutput], after: datetime | None) -> list[ContainerOutput]:
        lines = [line for line in batch if after is None or line.timestamp > after]
        for line in lines:
            if self.newest is None or line.timestamp > self.newest:
                self.newest = line.timestamp
        return lines


class ToolOutput:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        engine: ContainerEngine,
        clock: Clock,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._uow = uow
        self._engine = engine
        self._clock = clock
        self._poll_seconds = poll_seconds

    async def follow(
        self, tool_id: uuid.UUID, tail: int
    ) -> AsyncGenerator[list[ContainerOutput], None]:
        """The last `tail` lines of the tool's container (stdout and stderr by time), then
        new lines in batches, following each container the tool runs in turn; ends when the
        tool is uninstalled. Raises NotFound for an unknown tool."""
        if tail < 0:
            raise DomainError("`tail` cannot be negative.", field=("tail",))
        if (tool := await self._tool_name(tool_id)) is None:
            raise NotFound("There is no tool with this ID.")
        name = container_name(tool)
        shown = _Shown(self._clock.now())
        # The container there is now: its tail, nothing dropped. Later runs: what came since.
        wanted: int | None = tail
        since: datetime | None = None
        while True:
            # Looked at before following: a run that starts after this look is followed again.
            followed = await self._engine.container_state(name)
            async with aclosing(self._one_container(name, wanted, since, shown)) as batches:
                async for batch in batches:
                    yield batch
            if not await self._runs_again(tool_id, name, followed):
                return
            wanted, since = None, shown.replay_after()

    async def _one_container(
        self, name: str, tail: int | None, since: datetime | None, shown: _Shown
    ) -> AsyncGenerator[list[ContainerOutput], None]:
        try:
            lines = self._engine.follow_output(name, tail=tail, since=since)
            async with aclosing(lines):
                async for batch in lines:
                    if fresh := shown.fresh(batch, since):
                        yield fresh
        except NotFound:
            return  # no container at the moment: wait for the next one

    async def _runs_again(
        self, tool_id: uuid.UUID, name: str, followed: ContainerState | None
    ) -> bool:
        """Wait until there is output to follow again: a run other than the one followed
        (so a start that crashed between two looks still shows), or a process printing in
        it; False once the tool is gone. A container waiting for its restart policy is not
        running yet, whatever the engine says."""
        while await self._tool_name(tool_id) is not None:
            await asyncio.sleep(self._poll_seconds)
            state = await self._engine.container_state(name)
            if state is None:
                continue
            if followed is None or state.run != followed.run or state.prints:
                return True
        return False

    async def _tool_name(self, tool_id: uuid.UUID) -> str | None:
        """The tool's name, or None once it is gone (or being uninstalled)."""
        async with self._uow(read_only=True) as uow:
            tool = await uow.tools.get(tool_id)
        return None if tool is None or tool.is_being_removed else tool.name

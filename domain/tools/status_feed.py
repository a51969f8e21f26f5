"""Tools' status and health as a live feed: one tool (current state first) or all of them."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncGenerator
from datetime import UTC, datetime

from domain.errors import NotFound
from domain.events import ALL_TOOLS, FeedResumed, ToolChanged, tool_topic
from domain.live.wakeups import Wakeups
from domain.ports.events import EventBus
from domain.tools.catalog import ToolCatalog
from domain.tools.model import Tool

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ALL_TOOLS_RECHECK_SECONDS = 60.0


def _visible_state(tool: Tool) -> Tool:
    # Every save touches `updated_at`; only a change in what the tool is counts.
    return dataclasses.replace(tool, updated_at=_EPOCH)


class ToolStatusFeed:
    def __init__(self, tools: ToolCatalog, bus: EventBus) -> None:
        self._tools = tools
        self._bus = bus

    async def follow_one(self, tool_id: uuid.UUID) -> AsyncGenerator[Tool, None]:
        """The tool now, then each change; ends when the tool is uninstalled."""
        with self._bus.subscribe([tool_topic(tool_id)]) as changes:
            wakeups = Wakeups(changes)
            seen: Tool | None = None
            while True:
                tool = await self._tools.get(tool_id)
                if tool is None:
                    if seen is None:
                        raise NotFound("There is no tool with this ID.")
                    return
                if _visible_state(tool) != seen:
                    seen = _visible_state(tool)
                    yield tool
                await wakeups.wait()

    async def follow_all(self) -> AsyncGenerator[Tool, None]:
        """Each change of any tool, as it happens (no snapshot: ask the `tools` query).

        Events name the tools to re-read; a resumed bus or a quiet minute re-reads them all,
        so a lost event delays a change and never loses it.
        """
        with self._bus.subscribe([ALL_TOOLS]) as changes:
            wakeups = Wakeups(changes, recheck_seconds=ALL_TOOLS_RECHECK_SECONDS)
            seen = {tool.id: _visible_state(tool) for tool in await self._tools.every_tool()}
            while True:
                events = await wakeups.wait()
                named = [event.tool_id for event in events if isinstance(event, ToolChanged)]
                if not events or any(isinstance(event, FeedResumed) for event in events):
                    tools = await self._tools.every_tool()
                    gone = set(seen) - {tool.id for tool in tools}
                else:
                    tools = await self._tools.tools_by_ids(list(dict.fromkeys(named)))
                    gone = set(named) - {tool.id for tool in tools}
                for tool in tools:
                    if seen.get(tool.id) != _visible_state(tool):
                        seen[tool.id] = _visible_state(tool)
                        yield tool
                for tool_id in gone:
                    seen.pop(tool_id, None)  # uninstalled: its last state said so already

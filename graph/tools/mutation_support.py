"""What the tool mutations share: their inputs' name/value pairs, and answering with the tool
(and the build) that the use case returns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from domain.builds.model import Build
from domain.tools.model import Tool
from graph.builds.types import BuildType
from graph.mutation import mutation_payload
from graph.tools.types import ToolType

Payload = TypeVar("Payload")


def pairs(items: list[Any]) -> dict[str, str]:
    return {item.name: item.value for item in items}


async def tool_payload(
    payload: Callable[..., Payload], work: Callable[[], Awaitable[Tool]]
) -> Payload:
    """For mutations that answer with the tool."""

    async def answer() -> Payload:
        return payload(tool=ToolType.from_domain(await work()))

    return await mutation_payload(payload, answer)


async def tool_build_payload(
    payload: Callable[..., Payload], work: Callable[[], Awaitable[tuple[Tool, Build]]]
) -> Payload:
    """For mutations that answer with the tool and the build they queued."""

    async def answer() -> Payload:
        tool, build = await work()
        return payload(tool=ToolType.from_domain(tool), build=BuildType.from_domain(build))

    return await mutation_payload(payload, answer)

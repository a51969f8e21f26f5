"""What every tool mutation shares: global ids to keys, and domain errors to payloads."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from domain.errors import DomainError, NotFound
from domain.tools.model import Tool
from graph.errors import user_errors
from graph.node import key_of
from graph.tools.types import ToolType

P = TypeVar("P")


def key(global_id: str, type_name: str, field: str = "id") -> uuid.UUID:
    found = key_of(global_id, type_name)
    if found is None:
        raise NotFound(f"No {type_name.lower()} with this id.", field=(field,))
    return found


def pairs(items: list[Any]) -> dict[str, str]:
    return {item.name: item.value for item in items}


async def payload_of(payload: Callable[..., P], work: Callable[[], Awaitable[P]]) -> P:
    """Run the use case; an expected failure becomes the payload's `errors`."""
    try:
        return await work()
    except DomainError as error:
        return payload(errors=user_errors(error))


async def tool_payload(payload: Callable[..., P], work: Callable[[], Awaitable[Tool]]) -> P:
    """For mutations that answer with the tool: run the use case, wrap the tool or errors."""

    async def wrapped() -> P:
        return payload(tool=ToolType.from_domain(await work()))

    return await payload_of(payload, wrapped)

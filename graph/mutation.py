"""The skeleton every mutation shares, after it has authorized (`require_role`, its first
statement, as in every resolver): turn global ids into keys, run the use case, and answer with
its payload, an expected failure (a domain error) becoming the payload's `errors`. Anything else
is unexpected: it propagates, and is masked for the client."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

from domain.errors import DomainError, NotFound
from graph.errors import user_errors
from graph.node import key_of

Payload = TypeVar("Payload")


def key(global_id: str, type_name: str, field: str = "id", *, noun: str | None = None) -> uuid.UUID:
    """The key in a global id of `type_name`; NotFound, naming the input `field`, for any other
    id (`noun` is what the message calls the object: the type name in lower case by default)."""
    found = key_of(global_id, type_name)
    if found is None:
        raise NotFound(f"No {noun or type_name.lower()} with this id.", field=(field,))
    return found


async def mutation_payload(
    payload: Callable[..., Payload], work: Callable[[], Awaitable[Payload]]
) -> Payload:
    """Run the use case; an expected failure becomes the payload's `errors`."""
    try:
        return await work()
    except DomainError as error:
        return payload(errors=user_errors(error))

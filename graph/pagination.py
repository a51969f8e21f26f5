"""Keyset pagination: `first`/`after` with opaque cursors and a page size capped at 100."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime

import strawberry

from graph.errors import bad_user_input

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


class InvalidCursor(ValueError):
    pass


def encode_cursor(created_at: datetime, key: uuid.UUID) -> str:
    raw = f"{created_at.isoformat()}|{key}".encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        created, _, key = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(created), uuid.UUID(key)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("`after` is not a cursor this API returned.") from None


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if size < 0 or size > MAX_PAGE_SIZE:
        raise ValueError(f"`first` must be between 0 and {MAX_PAGE_SIZE}.")
    return size


def cursor_arguments(
    first: int | None, after: str | None
) -> tuple[int, tuple[datetime, uuid.UUID] | None]:
    """Validated `first`/`after`, or a BAD_USER_INPUT error naming the problem."""
    try:
        return page_size(first), decode_cursor(after) if after else None
    except (ValueError, InvalidCursor) as error:
        raise bad_user_input(str(error)) from None

"""Keyset pagination: `first`/`after` with opaque cursors and a page size capped at 100."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Generic, TypeVar

import strawberry

from domain.paging import Page, PageKey
from graph.errors import bad_user_input

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

Row = TypeVar("Row")
NodeType = TypeVar("NodeType")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


# Strawberry names each use after its node type: `Connection[ToolType]` is `ToolConnection`.
@strawberry.type
class Edge(Generic[NodeType]):
    cursor: str
    node: NodeType


@strawberry.type
class Connection(Generic[NodeType]):
    edges: list[Edge[NodeType]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[NodeType]:
        return [edge.node for edge in self.edges]


class InvalidCursor(ValueError):
    pass


def encode_cursor(key: PageKey) -> str:
    created_at, row_id = key
    raw = f"{created_at.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> PageKey:
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


def requested_page(first: int | None, after: str | None) -> Page:
    """The page that `first`/`after` ask for, or a BAD_USER_INPUT error naming the problem."""
    try:
        return Page(page_size(first), decode_cursor(after) if after else None)
    except (ValueError, InvalidCursor) as error:
        raise bad_user_input(str(error)) from None


def connection(
    rows: Sequence[Row],
    page: Page,
    key: Callable[[Row], PageKey],
    node: Callable[[Row], NodeType],
) -> Connection[NodeType]:
    """The page's connection from `rows`, read with one row more than the page holds: that
    extra row only says that another page follows."""
    edges = [Edge(cursor=encode_cursor(key(row)), node=node(row)) for row in rows[: page.limit]]
    end = edges[-1].cursor if edges else None
    return Connection(
        edges=edges, page_info=PageInfo(has_next_page=len(rows) > page.limit, end_cursor=end)
    )

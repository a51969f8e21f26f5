"""How Alembic renders and compares our custom column types (used by env.py and its tests)."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import DateTime

from infra.db.types import UtcDateTime


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Migrations describe storage; the UTC conversion is the ORM's business.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def compare_type(context: Any, inspected: Any, metadata: Any, *args: Any) -> bool | None:
    if isinstance(metadata.type, UtcDateTime) and isinstance(inspected.type, DateTime):
        return False
    return None

"""How many rows an UPDATE or DELETE matched."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result


def rows_matched(result: Result[Any]) -> int:
    # `AsyncSession.execute` is typed as returning a Result for every statement; for DML it is
    # a CursorResult, the only kind with `rowcount`.
    return cast("CursorResult[Any]", result).rowcount

"""Reading a list in keyset order, one slice at a time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

# Where a row stands in its list's order: its timestamp, then its id to break ties.
PageKey = tuple[datetime, uuid.UUID]


@dataclass(frozen=True)
class Page:
    """At most `limit` rows, starting after the row keyed `after` (at the start when None)."""

    limit: int
    after: PageKey | None = None

    def and_one_more(self) -> Page:
        """The same slice and one row more, whose presence says that another page follows."""
        return Page(self.limit + 1, self.after)

"""'Did you mean ...?' hints for misspelled keys and values."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A sentence ending for a problem message: ' (did you mean "port"?)' or nothing."""
    match = closest(word, candidates)
    return f' (did you mean "{match}"?)' if match else ""

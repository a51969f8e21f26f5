"""Where a tool's source is fetched from, and what fetching it yields."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceSpec:
    """A validated place to fetch a tool from; build with `domain.tools.source.validate_source`."""

    repo_url: str
    ref: str | None = None
    subdir: str | None = None


@dataclass(frozen=True)
class Checkout:
    """A fetched working tree: `directory` is the tool's root (the subdir, when one is given)."""

    commit_sha: str
    directory: Path

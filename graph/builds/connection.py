from __future__ import annotations

from domain.builds.model import Build
from graph.builds.types import BuildConnection, BuildEdge, BuildType
from graph.pagination import PageInfo, encode_cursor


def build_connection(builds: list[Build], limit: int) -> BuildConnection:
    """`builds` holds up to `limit + 1` rows; the extra one only says another page exists."""
    edges = [
        BuildEdge(cursor=encode_cursor(b.queued_at, b.id), node=BuildType.from_domain(b))
        for b in builds[:limit]
    ]
    end = edges[-1].cursor if edges else None
    return BuildConnection(
        edges=edges, page_info=PageInfo(has_next_page=len(builds) > limit, end_cursor=end)
    )

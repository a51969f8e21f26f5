from __future__ import annotations

import strawberry

from domain.ports import BuildFilter as DomainBuildFilter
from graph.builds.types import BuildStatus
from graph.errors import bad_user_input
from graph.node import key_of


@strawberry.input
class BuildFilter:
    status: BuildStatus | None = None
    tool_id: strawberry.ID | None = None

    def to_domain(self) -> DomainBuildFilter:
        """The domain's filter, or a BAD_USER_INPUT error for a `toolId` that names no tool."""
        tool_key = None
        if self.tool_id is not None:
            tool_key = key_of(self.tool_id, "Tool")
            if tool_key is None:
                raise bad_user_input("`filter.toolId` is not a tool ID.")
        return DomainBuildFilter(status=self.status, tool_id=tool_key)


@strawberry.input
class CancelBuildInput:
    id: strawberry.ID

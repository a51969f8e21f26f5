from __future__ import annotations

import strawberry

from graph.builds.types import BuildType
from graph.errors import UserError


@strawberry.type
class CancelBuildPayload:
    build: BuildType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)

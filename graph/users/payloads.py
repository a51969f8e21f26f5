from __future__ import annotations

import strawberry

from graph.errors import UserError
from graph.users.types import UserType


@strawberry.type
class CreateUserPayload:
    user: UserType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class UpdateUserPayload:
    user: UserType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)

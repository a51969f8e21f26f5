from __future__ import annotations

import strawberry

from graph.users.types import Role


@strawberry.input
class CreateUserInput:
    username: str
    email: str
    password: str
    role: Role = Role.VIEWER


@strawberry.input
class UpdateUserInput:
    id: strawberry.ID
    role: Role | None = None
    is_active: bool | None = None
    password: str | None = None
    current_password: str | None = strawberry.field(
        default=None, description="Required when changing your own password."
    )

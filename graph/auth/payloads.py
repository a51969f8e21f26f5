from __future__ import annotations

from datetime import datetime

import strawberry

from graph.errors import UserError
from graph.users.types import ApiTokenType, UserType


@strawberry.type
class SignInPayload:
    access_token: str | None = None
    refresh_token: str | None = None
    access_token_expires_at: datetime | None = None
    user: UserType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SignOutPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateApiTokenPayload:
    token: str | None = strawberry.field(
        default=None, description="The secret; shown only in this response. Use it as a Bearer."
    )
    api_token: ApiTokenType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RevokeApiTokenPayload:
    api_token: ApiTokenType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)

from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.input
class SignInInput:
    username: str
    password: str


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.input
class SignOutInput:
    refresh_token: str | None = strawberry.field(
        default=None,
        description="The session to end; without it, the session of the access token sent.",
    )


@strawberry.input
class CreateApiTokenInput:
    name: str
    expires_at: datetime | None = None


@strawberry.input
class RevokeApiTokenInput:
    id: strawberry.ID

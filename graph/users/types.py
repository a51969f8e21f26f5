"""GraphQL shapes of users and API tokens, converted explicitly from the domain."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry.types import Info

from domain.auth.model import ApiToken
from domain.paging import PageKey
from domain.users.model import Role as DomainRole
from domain.users.model import User
from graph.context import GraphQLContext
from graph.node import Node, to_global_id
from graph.permissions import current_viewer

# The schema's enums are the domain's own, registered with Strawberry in place.
Role = DomainRole
strawberry.enum(Role, name="Role", description="What a user may do.")


@strawberry.type(name="ApiToken", description="A personal API token; its secret is shown once.")
class ApiTokenType(Node):
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_domain(cls, token: ApiToken) -> ApiTokenType:
        return cls(
            id=to_global_id("ApiToken", token.id),
            name=token.name,
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


@strawberry.type(name="User")
class UserType(Node):
    username: str
    email: str
    role: Role
    is_active: bool
    created_at: datetime
    updated_at: datetime
    key: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The user's API tokens; visible to the user themself only.")
    async def api_tokens(self, info: Info[GraphQLContext, None]) -> list[ApiTokenType] | None:
        viewer = await current_viewer(info)
        if viewer is None or viewer.id != self.key:
            return None
        tokens = await info.context.services.api_tokens.list_for(viewer)
        return [ApiTokenType.from_domain(token) for token in tokens]

    @classmethod
    def from_domain(cls, user: User) -> UserType:
        return cls(
            id=to_global_id("User", user.id),
            key=user.id,
            username=user.username,
            email=user.email,
            role=user.role,
            is_active=user.is_active,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )


def user_position(user: User) -> PageKey:
    """Where a user stands in the oldest-first order of user pages."""
    return user.created_at, user.id

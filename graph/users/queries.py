from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.errors import DomainError
from domain.users.model import Role as DomainRole
from graph.context import GraphQLContext
from graph.errors import bad_user_input, forbidden
from graph.node import key_of
from graph.pagination import Connection, connection, requested_page
from graph.permissions import current_viewer, require_role
from graph.users.types import UserType, user_position


async def resolve_user(info: Info[GraphQLContext, None], global_id: str) -> UserType | None:
    """A user by global id: admins see everyone, other users only themselves."""
    viewer = await require_role(info, DomainRole.VIEWER)
    key = key_of(global_id, "User")
    if key is None:
        return None
    if key != viewer.id and not viewer.is_admin:
        raise forbidden("Only an admin can read other users.")
    user = await info.context.loaders.user_by_id.load(key)
    return UserType.from_domain(user) if user else None


@strawberry.type
class UserQueries:
    @strawberry.field(description="The signed-in user, or null when anonymous.")
    async def viewer(self, info: Info[GraphQLContext, None]) -> UserType | None:
        viewer = await current_viewer(info)
        return UserType.from_domain(viewer) if viewer else None

    @strawberry.field(description="A user by ID (admins: anyone; others: themselves).")
    async def user(self, info: Info[GraphQLContext, None], id: strawberry.ID) -> UserType | None:
        return await resolve_user(info, id)

    @strawberry.field(description="Every user, oldest first (admins only).")
    async def users(
        self,
        info: Info[GraphQLContext, None],
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[UserType]:
        viewer = await require_role(info, DomainRole.ADMIN)
        page = requested_page(first, after)
        try:
            users = await info.context.services.users.list_users(viewer, page)
        except DomainError as error:
            raise bad_user_input(error.message) from None
        return connection(users, page, user_position, UserType.from_domain)

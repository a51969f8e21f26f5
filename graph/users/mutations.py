from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.errors import DomainError, NotFound
from domain.users.commands import CreateUser, UpdateUser
from domain.users.model import Role as DomainRole
from graph.context import GraphQLContext
from graph.errors import user_errors
from graph.node import key_of
from graph.permissions import require_role
from graph.users.inputs import CreateUserInput, UpdateUserInput
from graph.users.payloads import CreateUserPayload, UpdateUserPayload
from graph.users.types import UserType


@strawberry.type
class UserMutations:
    @strawberry.mutation(description="Create a user (admins only).")
    async def create_user(
        self, info: Info[GraphQLContext, None], input: CreateUserInput
    ) -> CreateUserPayload:
        actor = await require_role(info, DomainRole.ADMIN)
        command = CreateUser(input.username, input.email, input.password, DomainRole(input.role))
        try:
            user = await info.context.services.users.create_user(actor, command)
        except DomainError as error:
            return CreateUserPayload(errors=user_errors(error))
        return CreateUserPayload(user=UserType.from_domain(user))

    @strawberry.mutation(
        description="Change a user's role, activation or password (admins; anyone: own password)."
    )
    async def update_user(
        self, info: Info[GraphQLContext, None], input: UpdateUserInput
    ) -> UpdateUserPayload:
        actor = await require_role(info, DomainRole.VIEWER)
        key = key_of(input.id, "User")
        if key is None:
            return UpdateUserPayload(
                errors=user_errors(NotFound("No user with this id.", field=("id",)))
            )
        command = UpdateUser(
            user_id=key,
            role=DomainRole(input.role) if input.role is not None else None,
            is_active=input.is_active,
            password=input.password,
            current_password=input.current_password,
        )
        try:
            user = await info.context.services.users.update_user(actor, command)
        except DomainError as error:
            return UpdateUserPayload(errors=user_errors(error))
        return UpdateUserPayload(user=UserType.from_domain(user))

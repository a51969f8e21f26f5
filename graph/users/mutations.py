from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.users.commands import CreateUser, UpdateUser
from domain.users.model import Role as DomainRole
from graph.context import GraphQLContext
from graph.mutation import key, mutation_payload
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
        users = info.context.services.users
        command = CreateUser(input.username, input.email, input.password, DomainRole(input.role))

        async def work() -> CreateUserPayload:
            user = await users.create_user(actor, command)
            return CreateUserPayload(user=UserType.from_domain(user))

        return await mutation_payload(CreateUserPayload, work)

    @strawberry.mutation(
        description="Change a user's role, activation or password (admins; anyone: own password)."
    )
    async def update_user(
        self, info: Info[GraphQLContext, None], input: UpdateUserInput
    ) -> UpdateUserPayload:
        actor = await require_role(info, DomainRole.VIEWER)
        users = info.context.services.users

        async def work() -> UpdateUserPayload:
            command = UpdateUser(
                user_id=key(input.id, "User"),
                role=DomainRole(input.role) if input.role is not None else None,
                is_active=input.is_active,
                password=input.password,
                current_password=input.current_password,
            )
            user = await users.update_user(actor, command)
            return UpdateUserPayload(user=UserType.from_domain(user))

        return await mutation_payload(UpdateUserPayload, work)

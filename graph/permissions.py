"""Authorization for fields: anonymous callers get UNAUTHENTICATED, low roles FORBIDDEN."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from domain.errors import Unauthenticated
from domain.users.model import Role, User
from graph.context import GraphQLContext
from graph.errors import forbidden, unauthenticated


async def current_viewer(info: Info[GraphQLContext, None]) -> User | None:
    try:
        return await info.context.viewer()
    except Unauthenticated as error:
        raise unauthenticated(str(error)) from None


async def require_role(info: Info[GraphQLContext, None], role: Role) -> User:
    viewer = await current_viewer(info)
    if viewer is None:
        raise unauthenticated()
    if not viewer.has_role(role):
        raise forbidden(f"This needs the {role.value} role.")
    return viewer


class _RoleRequired(BasePermission):
    role: Role = Role.VIEWER

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        await require_role(info, self.role)
        return True


class IsAuthenticated(_RoleRequired):
    role = Role.VIEWER


class IsMaintainer(_RoleRequired):
    role = Role.MAINTAINER


class IsAdmin(_RoleRequired):
    role = Role.ADMIN

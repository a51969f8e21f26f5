"""Authorization for fields: anonymous callers get UNAUTHENTICATED, low roles FORBIDDEN.

Every resolver, subscription and mutation that needs a role says so by calling
`require_role` first: one way to authorize, visible where the field is.
"""

from __future__ import annotations

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

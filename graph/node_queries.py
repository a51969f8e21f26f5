"""`node(id)`: resolves any global id, authorized exactly like the typed field."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.users.model import Role
from graph.builds.queries import resolve_build
from graph.context import GraphQLContext
from graph.node import Node, from_global_id
from graph.permissions import require_role
from graph.tools.queries import resolve_tool
from graph.users.queries import resolve_user
from graph.users.types import ApiTokenType


async def resolve_api_token(
    info: Info[GraphQLContext, None], global_id: str
) -> ApiTokenType | None:
    viewer = await require_role(info, Role.VIEWER)
    decoded = from_global_id(global_id)
    if decoded is None:
        return None
    token = await info.context.services.api_tokens.get(viewer, decoded[1])
    return ApiTokenType.from_domain(token) if token else None


RESOLVERS = {
    "User": resolve_user,
    "ApiToken": resolve_api_token,
    "Tool": resolve_tool,
    "Build": resolve_build,
}


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Fetch any object by its global ID.")
    async def node(self, info: Info[GraphQLContext, None], id: strawberry.ID) -> Node | None:
        await require_role(info, Role.VIEWER)
        decoded = from_global_id(id)
        if decoded is None or decoded[0] not in RESOLVERS:
            return None
        return await RESOLVERS[decoded[0]](info, id)

"""The assembled schema; `schema` is what `strawberry export-schema` reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from graph.auth.mutations import AuthMutations
from graph.builds.mutations import BuildMutations
from graph.builds.queries import BuildQueries
from graph.builds.subscriptions import BuildSubscriptions
from graph.builds.types import BuildType
from graph.errors import should_mask_error
from graph.http_operations import SubscriptionsOverWebSocketOnly
from graph.node_queries import NodeQueries
from graph.operation import PerOperationState
from graph.system.queries import SystemQueries
from graph.tools.exposure_mutations import ToolExposureMutations
from graph.tools.lifecycle_mutations import ToolLifecycleMutations
from graph.tools.queries import ToolQueries
from graph.tools.setup_mutations import ToolSetupMutations
from graph.tools.subscriptions import ToolSubscriptions
from graph.tools.types import HealthCheckType, ToolType
from graph.users.mutations import UserMutations
from graph.users.queries import UserQueries
from graph.users.types import ApiTokenType, UserType


@strawberry.type
class Query(UserQueries, ToolQueries, BuildQueries, NodeQueries, SystemQueries):
    pass


@strawberry.type
class Mutation(
    AuthMutations,
    UserMutations,
    ToolSetupMutations,
    ToolLifecycleMutations,
    ToolExposureMutations,
    BuildMutations,
):
    pass


@strawberry.type
class Subscription(BuildSubscriptions, ToolSubscriptions):
    pass


ExtensionFactory = Callable[[], SchemaExtension]


def build_schema(extensions: Sequence[ExtensionFactory] = ()) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[UserType, ApiTokenType, ToolType, BuildType, HealthCheckType],
        extensions=list(extensions),
    )


def hardened_extensions(
    *, max_depth: int, max_aliases: int, max_tokens: int, introspection: bool
) -> list[ExtensionFactory]:
    """Limits on every operation; factories, so each request gets fresh extension state."""
    extensions: list[ExtensionFactory] = [
        PerOperationState,
        SubscriptionsOverWebSocketOnly,
        lambda: QueryDepthLimiter(max_depth=max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=max_aliases),
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        lambda: MaskErrors(should_mask_error=should_mask_error),
    ]
    if not introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return extensions


schema = build_schema()

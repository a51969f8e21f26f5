"""GraphQL shapes of tools, their health checks, variables and secrets."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.paging import PageKey
from domain.ports import BuildFilter
from domain.tools.access_level import ToolAccess as DomainToolAccess
from domain.tools.health import HealthCheck
from domain.tools.model import Tool
from domain.tools.status import DesiredState as DomainDesiredState
from domain.tools.status import ToolStatus as DomainToolStatus
from graph.builds.types import BuildType, build_position
from graph.context import GraphQLContext
from graph.errors import bad_user_input
from graph.node import Node, to_global_id
from graph.pagination import Connection, connection, requested_page

# The schema's enums are the domain's own, registered with Strawberry in place.
ToolStatus = DomainToolStatus
strawberry.enum(ToolStatus, name="ToolStatus")
DesiredState = DomainDesiredState
strawberry.enum(DesiredState, name="DesiredState")
ToolAccess = DomainToolAccess
strawberry.enum(
    ToolAccess,
    name="ToolAccess",
    description="Who may open a tool through the gateway: PUBLIC needs no sign-in; VIEWER, "
    "MAINTAINER and ADMIN need a signed-in user with at least that role.",
)
MAX_HEALTH_CHECKS = 100


@strawberry.type(name="HealthCheck", description="One health check of a running tool.")
class HealthCheckType(Node):
    checked_at: datetime
    healthy: bool
    status_code: int | None
    latency_ms: int | None
    error: str | None

    @classmethod
    def from_domain(cls, check: HealthCheck) -> HealthCheckType:
        return cls(
            id=to_global_id("HealthCheck", check.id),
            checked_at=check.checked_at,
            healthy=check.healthy,
            status_code=check.status_code,
            latency_ms=check.latency_ms,
            error=check.error,
        )


@strawberry.type(description="A variable passed to the tool's container.")
class EnvironmentVariable:
    name: str
    value: str


@strawberry.type(name="ToolSecret", description="A write-only secret: its value never leaves.")
class ToolSecretType:
    name: str
    is_set: bool


@strawberry.type(name="Tool")
class ToolType(Node):
    name: str
    description: str | None
    category: str | None
    repo_url: str = strawberry.field(description="The repository, without any credentials.")
    ref: str | None
    subdir: str | None
    status: ToolStatus
    desired_state: DesiredState
    host_port: int
    tool_access: ToolAccess = strawberry.field(
        description="Who may open the tool through the gateway (checked on every request)."
    )
    domains: list[str] = strawberry.field(
        description="Custom domains the tool answers on besides its own name (set by admins)."
    )
    commit_sha: str | None
    icon: str | None = strawberry.field(description="The manifest's `ui.icon` (a few characters).")
    color: str | None = strawberry.field(
        description="The manifest's `ui.color` when it is a hex colour (`#rgb` or `#rrggbb`)."
    )
    manifest: JSON | None = strawberry.field(description="The validated manifest in use.")
    created_at: datetime
    updated_at: datetime
    key: strawberry.Private[uuid.UUID]
    entity: strawberry.Private[Tool]
    current_build_key: strawberry.Private[uuid.UUID | None]
    variables: strawberry.Private[dict[str, str]]

    @strawberry.field(
        description="Where users open the tool: `<scheme>://<name>.<base domain>[:<port>]/` "
        "through the gateway, or the container's own loopback address when the gateway is off."
    )
    def url(self, info: Info[GraphQLContext, None]) -> str:
        return info.context.services.routes.addresses.tool_url(self.entity)

    @strawberry.field(description="The build whose image the tool runs.")
    async def current_build(self, info: Info[GraphQLContext, None]) -> BuildType | None:
        if self.current_build_key is None:
            return None
        build = await info.context.loaders.build_by_id.load(self.current_build_key)
        return BuildType.from_domain(build) if build else None

    @strawberry.field(description="The newest build, whatever its status.")
    async def latest_build(self, info: Info[GraphQLContext, None]) -> BuildType | None:
        build = await info.context.loaders.latest_build_by_tool_id.load(self.key)
        return BuildType.from_domain(build) if build else None

    @strawberry.field(description="This tool's builds, newest first.")
    async def builds(
        self, info: Info[GraphQLContext, None], first: int | None = None, after: str | None = None
    ) -> Connection[BuildType]:
        page = requested_page(first, after)
        builds = await info.context.services.builds.page(page, BuildFilter(tool_id=self.key))
        return connection(builds, page, build_position, BuildType.from_domain)

    @strawberry.field(description="The most recent health checks, newest first.")
    async def health_checks(
        self, info: Info[GraphQLContext, None], last: int = 10
    ) -> list[HealthCheckType]:
        if last < 0 or last > MAX_HEALTH_CHECKS:
            raise bad_user_input(f"`last` must be between 0 and {MAX_HEALTH_CHECKS}.")
        checks = await info.context.services.tools.health_checks(self.key, last)
        return [HealthCheckType.from_domain(check) for check in checks]

    @strawberry.field(description="Variables set on the tool (secrets are listed apart).")
    def environment(self) -> list[EnvironmentVariable]:
        return [EnvironmentVariable(name=k, value=v) for k, v in sorted(self.variables.items())]

    @strawberry.field(description="The tool's secrets: names only, never values.")
    async def secrets(self, info: Info[GraphQLContext, None]) -> list[ToolSecretType]:
        names = await info.context.services.tools.secret_names(self.key)
        return [ToolSecretType(name=name, is_set=True) for name in names]

    @classmethod
    def from_domain(cls, tool: Tool) -> ToolType:
        return cls(
            id=to_global_id("Tool", tool.id),
            key=tool.id,
            entity=tool,
            name=tool.name,
            description=tool.description,
            category=tool.category,
            repo_url=tool.repo_url,
            ref=tool.ref,
            subdir=tool.subdir,
            status=tool.status,
            desired_state=tool.desired_state,
            host_port=tool.host_port,
            tool_access=tool.access,
            domains=list(tool.domains),
            commit_sha=tool.commit_sha,
            icon=tool.icon,
            color=tool.color,
            manifest=JSON(tool.manifest) if tool.manifest is not None else None,
            created_at=tool.created_at,
            updated_at=tool.updated_at,
            current_build_key=tool.current_build_id,
            variables=dict(tool.environment),
        )


def tool_position(tool: Tool) -> PageKey:
    """Where a tool stands in the oldest-first order of tool pages."""
    return tool.created_at, tool.id

from __future__ import annotations

import strawberry

from domain.ports import ToolFilter as DomainToolFilter
from graph.tools.types import ToolAccess, ToolStatus


@strawberry.input
class EnvironmentVariableInput:
    name: str
    value: str


@strawberry.input
class SecretInput:
    name: str
    value: str


@strawberry.input
class ToolFilter:
    status: ToolStatus | None = None
    category: str | None = None
    search: str | None = strawberry.field(
        default=None, description="Matches the name or description, case-insensitively."
    )

    def to_domain(self) -> DomainToolFilter:
        return DomainToolFilter(status=self.status, category=self.category, search=self.search)


@strawberry.input
class ValidateManifestInput:
    repo_url: str
    ref: str | None = None
    subdir: str | None = None


@strawberry.input
class InstallToolInput:
    repo_url: str
    ref: str | None = None
    subdir: str | None = None
    name: str | None = strawberry.field(
        default=None, description="The tool's name; derived from the repository when omitted."
    )
    environment: list[EnvironmentVariableInput] = strawberry.field(default_factory=list)
    secrets: list[SecretInput] = strawberry.field(default_factory=list)
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key returns the first result."
    )
    tool_access: ToolAccess = strawberry.field(
        default=ToolAccess.VIEWER, description="Who may open the tool through the gateway."
    )


@strawberry.input
class UpdateToolInput:
    id: strawberry.ID
    ref: str | None = strawberry.field(
        default=None, description="Track this branch or tag from now on; default: the tool's."
    )
    idempotency_key: str | None = None


@strawberry.input
class RebuildToolInput:
    id: strawberry.ID
    idempotency_key: str | None = None


@strawberry.input
class ToolIdInput:
    id: strawberry.ID


@strawberry.input
class RollbackToolInput:
    id: strawberry.ID
    build_id: strawberry.ID


@strawberry.input
class UninstallToolInput:
    id: strawberry.ID
    keep_data: bool = strawberry.field(
        default=False, description="Keep the tool's data directory (its volumes)."
    )


@strawberry.input
class SetToolEnvironmentInput:
    id: strawberry.ID
    environment: list[EnvironmentVariableInput]


@strawberry.input
class SetToolSecretInput:
    id: strawberry.ID
    name: str
    value: str


@strawberry.input
class DeleteToolSecretInput:
    id: strawberry.ID
    name: str


@strawberry.input
class SetToolAccessInput:
    id: strawberry.ID
    tool_access: ToolAccess


@strawberry.input
class SetToolDomainsInput:
    id: strawberry.ID
    domains: list[str] = strawberry.field(
        description="Every custom domain the tool should answer on (host names such as "
        "`tools.example.com`); replaces the ones it has, an empty list removes them all."
    )

from __future__ import annotations

import strawberry

from domain.tools.commands import ManifestPlan
from graph.builds.types import BuildType
from graph.errors import UserError
from graph.tools.types import ToolType


@strawberry.type
class ToolPayload:
    """The shape every tool mutation returns (each under its own name)."""

    tool: ToolType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ToolBuildPayload:
    tool: ToolType | None = None
    build: BuildType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class InstallToolPayload(ToolBuildPayload):
    pass


@strawberry.type
class UpdateToolPayload(ToolBuildPayload):
    pass


@strawberry.type
class RebuildToolPayload(ToolBuildPayload):
    pass


@strawberry.type
class RollbackToolPayload(ToolBuildPayload):
    pass


@strawberry.type
class StartToolPayload(ToolPayload):
    pass


@strawberry.type
class StopToolPayload(ToolPayload):
    pass


@strawberry.type
class RestartToolPayload(ToolPayload):
    pass


@strawberry.type
class UninstallToolPayload(ToolPayload):
    pass


@strawberry.type
class SetToolEnvironmentPayload(ToolPayload):
    pass


@strawberry.type
class SetToolSecretPayload(ToolPayload):
    pass


@strawberry.type
class DeleteToolSecretPayload(ToolPayload):
    pass


@strawberry.type
class SetToolAccessPayload(ToolPayload):
    pass


@strawberry.type
class SetToolDomainsPayload(ToolPayload):
    pass


@strawberry.type(description="What installing this source would do; nothing was created.")
class ManifestPlanType:
    name: str
    image: str
    commit_sha: str
    category: str
    port: int
    health_check: str
    environment_keys: list[str]
    volumes: list[str]
    memory_mib: int
    cpus: float
    pids_limit: int

    @classmethod
    def from_domain(cls, plan: ManifestPlan) -> ManifestPlanType:
        return cls(
            name=plan.name,
            image=plan.image,
            commit_sha=plan.commit_sha,
            category=plan.category,
            port=plan.port,
            health_check=plan.health_check,
            environment_keys=list(plan.environment_keys),
            volumes=list(plan.volumes),
            memory_mib=plan.memory_bytes // (1024 * 1024),
            cpus=plan.nano_cpus / 1_000_000_000,
            pids_limit=plan.pids_limit,
        )


@strawberry.type
class ValidateManifestPayload:
    plan: ManifestPlanType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)

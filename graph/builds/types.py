"""GraphQL shapes of builds and their log lines."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry.types import Info
from strawberry.types.lazy_type import LazyType

from domain.builds.model import Build, BuildFailure, LogLine
from domain.builds.model import BuildPhase as DomainBuildPhase
from domain.builds.model import BuildStatus as DomainBuildStatus
from domain.builds.model import BuildTrigger as DomainBuildTrigger
from domain.builds.model import LogStream as DomainLogStream
from domain.paging import PageKey
from graph.context import GraphQLContext
from graph.errors import bad_user_input
from graph.node import Node, to_global_id

# The schema's enums are the domain's own, registered with Strawberry in place.
BuildStatus = DomainBuildStatus
strawberry.enum(BuildStatus, name="BuildStatus")
BuildTrigger = DomainBuildTrigger
strawberry.enum(BuildTrigger, name="BuildTrigger")
BuildPhase = DomainBuildPhase
strawberry.enum(BuildPhase, name="BuildPhase")
LogStream = DomainLogStream
strawberry.enum(LogStream, name="LogStream")
MAX_LOG_LINES_PER_PAGE = 1000
# The schema's one reference from builds back to tools. It names the Tool type, for Strawberry
# to find once the schema is assembled, so this slice need not import the tools slice (which
# imports this one for a tool's builds).
TOOL_TYPE: LazyType[str, str] = LazyType("ToolType", "graph.tools.types")


@strawberry.type(name="LogLine", description="One line of a build's log or a container's output.")
class LogLineType:
    seq: int = strawberry.field(
        description="Position: in a build's log from 1 with no gaps; in a container's output, "
        "counted within the feed."
    )
    stream: LogStream
    timestamp: datetime
    text: str

    @classmethod
    def from_domain(cls, line: LogLine) -> LogLineType:
        return cls(seq=line.seq, stream=line.stream, timestamp=line.timestamp, text=line.text)


@strawberry.type(name="BuildFailure", description="Why a build failed, and in which phase.")
class BuildFailureType:
    phase: BuildPhase
    code: str
    message: str

    @classmethod
    def from_domain(cls, failure: BuildFailure) -> BuildFailureType:
        return cls(phase=failure.phase, code=failure.code, message=failure.message)


@strawberry.type(name="Build")
class BuildType(Node):
    number: int
    status: BuildStatus
    trigger: BuildTrigger
    ref: str | None
    commit_sha: str | None
    image: str | None
    failure: BuildFailureType | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    log_line_count: int
    key: strawberry.Private[uuid.UUID]
    tool_key: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The tool this build belongs to.", graphql_type=TOOL_TYPE | None)
    async def tool(self, info: Info[GraphQLContext, None]) -> Node | None:
        tool = await info.context.loaders.tool_by_id.load(self.tool_key)
        if tool is None:
            return None
        shown: Node = TOOL_TYPE.resolve_type().from_domain(tool)
        return shown

    @strawberry.field(description="Stored log lines with `seq` greater than `after`, in order.")
    async def log_lines(
        self, info: Info[GraphQLContext, None], after: int = 0, first: int = 200
    ) -> list[LogLineType]:
        if first < 0 or first > MAX_LOG_LINES_PER_PAGE or after < 0:
            raise bad_user_input(
                f"`first` must be 0-{MAX_LOG_LINES_PER_PAGE} and `after` not negative."
            )
        lines = await info.context.services.builds.log_lines(self.key, after, first)
        return [LogLineType.from_domain(line) for line in lines]

    @classmethod
    def from_domain(cls, build: Build) -> BuildType:
        return cls(
            id=to_global_id("Build", build.id),
            key=build.id,
            tool_key=build.tool_id,
            number=build.number,
            status=build.status,
            trigger=build.trigger,
            ref=build.ref,
            commit_sha=build.commit_sha,
            image=build.image,
            failure=BuildFailureType.from_domain(build.failure) if build.failure else None,
            queued_at=build.queued_at,
            started_at=build.started_at,
            finished_at=build.finished_at,
            log_line_count=build.log_line_count,
        )


def build_position(build: Build) -> PageKey:
    """Where a build stands in the newest-first order of build pages."""
    return build.queued_at, build.id

"""Live feeds of a build: its log (resumable by seq) and its status."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from contextlib import aclosing

import strawberry
from strawberry.types import Info

from domain.builds.log_feed import LogChunk
from domain.users.model import Role
from graph.builds.types import BuildType, LogLineType
from graph.context import GraphQLContext
from graph.errors import bad_user_input
from graph.live.feeds import live_feed
from graph.node import key_of
from graph.permissions import require_role


@strawberry.type(name="BuildLogChunk", description="Consecutive lines of a build's log.")
class BuildLogChunkType:
    lines: list[LogLineType]
    last_seq: int = strawberry.field(
        description="The seq of the last line sent so far: resume with `afterSeq: lastSeq`."
    )
    done: bool = strawberry.field(description="The build has ended and every line was sent.")
    build: BuildType

    @classmethod
    def from_domain(cls, chunk: LogChunk) -> BuildLogChunkType:
        return cls(
            lines=[LogLineType.from_domain(line) for line in chunk.lines],
            last_seq=chunk.last_seq,
            done=chunk.done,
            build=BuildType.from_domain(chunk.build),
        )


async def build_key(info: Info[GraphQLContext, None], build_id: str) -> uuid.UUID:
    await require_role(info, Role.VIEWER)
    key = key_of(build_id, "Build")
    if key is None:
        raise bad_user_input("`buildId` is not a build ID.")
    return key


@strawberry.type
class BuildSubscriptions:
    @strawberry.subscription(
        description="A build's log: stored lines after `afterSeq`, then live ones, in order with "
        "no gap; a last chunk with `done: true` once the build has ended, then completes."
    )
    async def build_log(
        self, info: Info[GraphQLContext, None], build_id: strawberry.ID, after_seq: int | None = 0
    ) -> AsyncGenerator[BuildLogChunkType, None]:
        key = await build_key(info, build_id)
        after_seq = after_seq or 0  # null means from the start, like 0
        if after_seq < 0:
            raise bad_user_input("`afterSeq` must not be negative.")
        feed = info.context.services.build_log_feed.follow(key, after_seq)
        async with aclosing(live_feed(info, feed, BuildLogChunkType.from_domain)) as items:
            async for chunk in items:
                yield chunk

    @strawberry.subscription(
        description="A build now, then at each change of its status; completes when it ends."
    )
    async def build_updated(
        self, info: Info[GraphQLContext, None], build_id: strawberry.ID
    ) -> AsyncGenerator[BuildType, None]:
        key = await build_key(info, build_id)
        feed = info.context.services.build_status_feed.follow(key)
        async with aclosing(live_feed(info, feed, BuildType.from_domain)) as items:
            async for build in items:
                yield build

"""The route table: which names the gateway serves, and what answers each of them.

Built from the tools as the database holds them, so applying it again is always correct: after a
state change, after the gateway restarts, or on the reconciler's next pass.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from domain.gateway.addresses import PublicAddresses, Upstream
from domain.tools.access_level import ToolAccess
from domain.tools.model import Tool
from domain.tools.status import DesiredState, ToolStatus

# A container may answer in these states; in the others there is none (yet) to send requests to.
ANSWERING = frozenset({ToolStatus.RUNNING, ToolStatus.UNHEALTHY, ToolStatus.STARTING})


class RouteState(StrEnum):
    SERVING = "serving"  # proxied to the container, behind the sign-in check
    STOPPED = "stopped"  # MACHETE's "tool stopped" page
    UNAVAILABLE = "unavailable"  # MACHETE's "not running" page (being built, failed)


@dataclass(frozen=True)
class ToolRoute:
    tool_id: uuid.UUID
    name: str
    # The tool's own name under the base domain first, then its custom domains; lowercase.
    hosts: tuple[str, ...]
    access: ToolAccess
    state: RouteState
    upstream: Upstream | None  # set when SERVING


@dataclass(frozen=True)
class RouteTable:
    """Every tool's route, ordered by name, so equal tables render to equal configurations."""

    routes: tuple[ToolRoute, ...] = ()

    @classmethod
    def of(cls, tools: Iterable[Tool], addresses: PublicAddresses) -> RouteTable:
        routes = (route_of(tool, addresses) for tool in tools if not tool.is_being_removed)
        return cls(tuple(sorted(routes, key=lambda route: route.name)))

    def for_host(self, host: str) -> ToolRoute | None:
        host = host.lower()
        return next((route for route in self.routes if host in route.hosts), None)

    def upstream_of(self, tool_id: uuid.UUID) -> Upstream | None:
        return next((r.upstream for r in self.routes if r.tool_id == tool_id), None)


def route_of(tool: Tool, addresses: PublicAddresses) -> ToolRoute:
    if tool.desired_state is DesiredState.STOPPED:
        state, upstream = RouteState.STOPPED, None
    elif tool.has_image and tool.status in ANSWERING:
        state, upstream = RouteState.SERVING, addresses.upstream_of(tool)
    else:
        state, upstream = RouteState.UNAVAILABLE, None
    return ToolRoute(
        tool_id=tool.id,
        name=tool.name,
        hosts=addresses.hosts_of(tool),
        access=tool.access,
        state=state,
        upstream=upstream,
    )

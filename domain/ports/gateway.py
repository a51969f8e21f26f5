"""Port to the gateway: the reverse proxy in front of MACHETE and every tool."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.gateway.addresses import Upstream
from domain.gateway.routes import RouteTable


@dataclass(frozen=True)
class GatewayStatus:
    mode: str  # embedded | external | off
    reachable: bool
    detail: str | None = None
    version: str | None = None


class Gateway(Protocol):
    """Raises `DomainError(GATEWAY_UNAVAILABLE)` when the gateway cannot be reached."""

    async def apply(self, table: RouteTable) -> None:
        """Serve exactly these routes from now on, switched atomically: a request is answered
        by the old table or by the new one, never by neither. Applying the table the gateway
        already serves changes nothing (connections stay open)."""
        ...

    async def in_flight(self, upstream: Upstream) -> int:
        """Requests the gateway is proxying to this upstream right now (0 when none)."""
        ...

    async def status(self) -> GatewayStatus: ...

    async def root_certificate(self) -> str | None:
        """The PEM of the local CA's root when TLS is `internal`, else None."""
        ...

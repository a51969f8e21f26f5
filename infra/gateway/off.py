"""`MACHETE_GATEWAY=off`: no gateway; tools answer on their loopback ports only."""

from __future__ import annotations

from domain.gateway.addresses import Upstream
from domain.gateway.routes import RouteTable
from domain.ports import GatewayStatus


class NoGateway:
    async def apply(self, table: RouteTable) -> None:
        return None

    async def in_flight(self, upstream: Upstream) -> int:
        return 0

    async def status(self) -> GatewayStatus:
        return GatewayStatus(mode="off", reachable=False, detail="No gateway is configured.")

    async def root_certificate(self) -> str | None:
        return None

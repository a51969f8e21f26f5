"""`MACHETE_GATEWAY=embedded|external`: the gateway port over Caddy's admin API."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from domain.gateway.addresses import Upstream
from domain.gateway.routes import RouteTable
from domain.ports import GatewayStatus
from infra.gateway.caddy.admin import CaddyAdmin
from infra.gateway.caddy.config import encode, marker, render
from infra.gateway.caddy.errors import GatewayUnavailable
from infra.gateway.caddy.site import GatewaySite, TlsMode

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Applied:
    body: bytes
    marker: str


class CaddyGateway:
    def __init__(
        self, admin: CaddyAdmin, site: GatewaySite, *, mode: str, version: str | None = None
    ) -> None:
        self._admin = admin
        self._site = site
        self._mode = mode
        self._version = version
        # What this process last had Caddy load. Applying it again costs one small read that
        # proves Caddy still serves it (an operator's Caddy may have restarted without it).
        self._applied: _Applied | None = None
        self._lock = asyncio.Lock()

    @property
    def site(self) -> GatewaySite:
        return self._site

    async def apply(self, table: RouteTable) -> None:
        config = render(table, self._site)
        applied = _Applied(encode(config), marker(config))
        async with self._lock:
            if applied == self._applied and await self._serves(applied.marker):
                return
            await self._admin.load(applied.body)
            self._applied = applied
        logger.info("gateway routes applied (%d tools)", len(table.routes))

    def forget_applied(self) -> None:
        """Caddy was replaced: the next apply loads its table whatever it looks like."""
        self._applied = None

    async def in_flight(self, upstream: Upstream) -> int:
        entries = await self._admin.get("/reverse_proxy/upstreams") or []
        return sum(
            int(entry.get("num_requests", 0))
            for entry in entries
            if isinstance(entry, dict) and entry.get("address") == upstream.address
        )

    async def status(self) -> GatewayStatus:
        applied = self._applied
        try:
            if applied is None:
                await self._admin.get("/reverse_proxy/upstreams")
            served = applied is not None and await self._serves(applied.marker)
        except GatewayUnavailable:
            return self._status(False, "Caddy does not answer on its admin endpoint.")
        return self._status(True, None if served else "Caddy does not serve MACHETE's routes yet.")

    async def root_certificate(self) -> str | None:
        if self._site.tls is not TlsMode.INTERNAL:
            return None
        authority = await self._admin.get("/pki/ca/local")
        certificate = authority.get("root_certificate") if isinstance(authority, dict) else None
        return certificate if isinstance(certificate, str) and certificate else None

    async def aclose(self) -> None:
        """Close the admin client (at shutdown; Caddy itself keeps running)."""
        await self._admin.aclose()

    async def _serves(self, config_marker: str) -> bool:
        return await self._admin.get(f"/id/{config_marker}/listen") is not None

    def _status(self, reachable: bool, detail: str | None) -> GatewayStatus:
        return GatewayStatus(
            mode=self._mode, reachable=reachable, detail=detail, version=self._version
        )

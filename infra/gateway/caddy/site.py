"""What the gateway's configuration needs beyond the route table: where it listens, how it
reaches MACHETE, and how it serves TLS."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TlsMode(StrEnum):
    OFF = "off"
    INTERNAL = "internal"  # Caddy's local CA
    ACME = "acme"  # a public CA; needs public names and the listener on port 443


@dataclass(frozen=True)
class GatewaySite:
    # The one public listener: exactly this address, never every interface unless asked.
    listen_host: str
    listen_port: int
    base_domain: str
    # How Caddy dials MACHETE's API: `unix//path/to/api.sock` or `host:port`.
    api_upstream: str
    # Caddy's admin endpoint, rendered into every configuration (a /load without one would
    # move it to TCP :2019): `unix//path/admin.sock|0600` or `host:port`.
    admin_listen: str
    dashboard_url: str
    tls: TlsMode = TlsMode.OFF
    acme_email: str | None = None
    # Where Caddy keeps certificates and its CA; None leaves Caddy's own default.
    storage_dir: str | None = None
    # A reload closes proxied WebSockets after this delay, so switching one tool's route does
    # not cut every other tool's open sockets.
    stream_close_delay: str = "8h"
    # While MACHETE restarts, requests for it (and sign-in checks) wait this long for it.
    api_try_duration: str = "30s"
    api_try_interval: str = "250ms"
    # Off for the embedded Caddy, whose supervisor polls the admin API.
    log_admin_requests: bool = True

    @property
    def listen_address(self) -> str:
        host = f"[{self.listen_host}]" if ":" in self.listen_host else self.listen_host
        return f"{host}:{self.listen_port}"

    @property
    def uses_tls(self) -> bool:
        return self.tls is not TlsMode.OFF

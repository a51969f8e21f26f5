"""How the gateway fails, as the services see it: the messages are safe to show to users; the
details (Caddy's own words) go to the log."""

from __future__ import annotations

from domain.errors import DomainError, ErrorCode


class GatewayUnavailable(DomainError):
    code = ErrorCode.GATEWAY_UNAVAILABLE

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail


class GatewayRefusedConfig(GatewayUnavailable):
    """Caddy refused a configuration and kept serving the one it had."""

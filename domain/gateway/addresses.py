"""Where users reach MACHETE and its tools: the public names, and where the gateway sends them."""

from __future__ import annotations

from dataclasses import dataclass

from domain.tools.model import Tool


@dataclass(frozen=True, order=True)
class Upstream:
    """Where a tool's container listens, as the gateway dials it."""

    host: str
    port: int

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class PublicAddresses:
    """The gateway's public face. With `enabled` false (`MACHETE_GATEWAY=off`) a tool's URL is
    its container's own loopback address, as before there was a gateway."""

    enabled: bool = False
    base_domain: str = "localhost"
    scheme: str = "http"
    port: int = 8000
    # Where tool containers listen, as the gateway (and the health probe) dials them.
    upstream_host: str = "127.0.0.1"

    @property
    def default_port(self) -> int:
        return 443 if self.scheme == "https" else 80

    @property
    def _port_suffix(self) -> str:
        return "" if self.port == self.default_port else f":{self.port}"

    @property
    def dashboard_url(self) -> str:
        return f"{self.scheme}://{self.base_domain}{self._port_suffix}"

    def tool_host(self, name: str) -> str:
        return f"{name}.{self.base_domain}"

    def hosts_of(self, tool: Tool) -> tuple[str, ...]:
        return (self.tool_host(tool.name), *tool.domains)

    def tool_url(self, tool: Tool) -> str:
        if not self.enabled:
            return self.direct_url(tool)
        return self.tool_url_for_name(tool.name)

    def tool_url_for_name(self, name: str) -> str:
        return f"{self.origin_of(self.tool_host(name))}/"

    def origin_of(self, host: str) -> str:
        """The gateway's origin for one of its host names (a checked one: no port, no `@`)."""
        return f"{self.scheme}://{host}{self._port_suffix}"

    def upstream_of(self, tool: Tool) -> Upstream:
        return self.upstream_on(tool.host_port)

    def upstream_on(self, port: int) -> Upstream:
        """The container listening on this host port (during a switch a tool has two)."""
        return Upstream(self.upstream_host, port)

    def direct_url(self, tool: Tool) -> str:
        """The container itself, bypassing the gateway (health probes)."""
        return self.direct_url_on(tool.host_port)

    def direct_url_on(self, port: int) -> str:
        return f"http://{self.upstream_host}:{port}"

"""Where Caddy's admin API is: a unix socket (never reachable from a tool's network) or, for an
operator's Caddy, an HTTP address."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class AdminEndpoint:
    socket: Path | None = None
    url: str | None = None  # http://host:port, when not a socket

    @classmethod
    def parse(cls, url: str) -> AdminEndpoint:
        """`unix:///path/admin.sock` or `http://host:port`."""
        parts = urlsplit(url)
        if parts.scheme == "unix" and not parts.netloc and parts.path.startswith("/"):
            return cls(socket=Path(parts.path))
        if parts.scheme == "http" and parts.hostname and not parts.path.strip("/"):
            return cls(url=f"http://{parts.netloc}")
        raise ValueError(
            "the gateway's admin URL must be unix:///path/to/admin.sock or http://host:port"
        )

    @property
    def base_url(self) -> str:
        # Over a socket the host name is only what the Host header says.
        return self.url or "http://localhost"

    def caddy_listen(self, socket_mode: str | None = None) -> str:
        """The address as Caddy's `admin.listen` spells it."""
        if self.socket is not None:
            suffix = f"|{socket_mode}" if socket_mode else ""
            return f"unix/{self.socket}{suffix}"
        return urlsplit(self.base_url).netloc

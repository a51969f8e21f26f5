"""Settings from `MACHETE_*` environment variables and an optional `.env` file."""

from __future__ import annotations

import os
import re
import secrets
from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 32
ADMIN_URL_PATTERN = re.compile(r"^(unix:///[^\s]+|http://[A-Za-z0-9.\[\]:-]+/?)$")
BASE_DOMAIN_PATTERN = re.compile(
    r"^(?=.{1,200}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"
)


class Mode(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class NetworkModeSetting(StrEnum):
    AUTO = "auto"
    BRIDGE = "bridge"
    HOST = "host"


class EventBusSetting(StrEnum):
    AUTO = "auto"  # PostgreSQL LISTEN/NOTIFY on PostgreSQL, in-process on SQLite
    IN_PROCESS = "in-process"
    POSTGRES = "postgres"


class GatewaySetting(StrEnum):
    EMBEDDED = "embedded"  # MACHETE runs Caddy itself, as a supervised child process
    EXTERNAL = "external"  # an operator's Caddy, driven through its admin API
    OFF = "off"  # no gateway: tools answer on their loopback ports only


class TlsSetting(StrEnum):
    OFF = "off"
    INTERNAL = "internal"  # Caddy's local CA (works offline)
    ACME = "acme"  # certificates from a public CA for public names


# sockaddr_un holds 108 bytes; keep room for the terminating NUL and the ".lock" files beside.
MAX_SOCKET_PATH = 100


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MACHETE_", env_file=".env", extra="ignore", frozen=True
    )

    mode: Mode = Mode.DEVELOPMENT
    data_dir: Path = Path(".machete")
    database_url: str | None = None
    secret_key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    allow_local_repos: bool = False
    graphiql: bool | None = None
    # The built dashboard and GraphiQL (`make web`); default: the copy inside the package.
    web_dist: Path | None = None
    introspection: bool | None = None
    access_token_ttl_seconds: int = Field(default=900, ge=30, le=86400)
    refresh_token_ttl_seconds: int = Field(default=30 * 86400, ge=300)
    jwt_issuer: str = "machete"
    jwt_audience: str = "machete-api"
    admin_username: str | None = None
    admin_password: SecretStr | None = None
    admin_email: str | None = None
    sign_in_max_failures_per_account: int = Field(default=10, ge=1)
    sign_in_max_failures_per_client: int = Field(default=30, ge=1)
    sign_in_max_failures_account_wide: int = Field(default=100, ge=1)
    sign_in_failure_window_seconds: int = Field(default=900, ge=1)
    trusted_proxies: str = ""
    max_query_depth: int = Field(default=12, ge=2)
    max_aliases: int = Field(default=30, ge=1)
    max_query_tokens: int = Field(default=2000, ge=100)
    log_level: str = "info"
    # Tools: building, running and checking them.
    network_mode: NetworkModeSetting = NetworkModeSetting.AUTO
    worker_concurrency: int = Field(default=2, ge=0, le=32)
    build_timeout_seconds: int = Field(default=1800, ge=5)
    clone_timeout_seconds: int = Field(default=120, ge=1)
    max_repo_size_mb: int = Field(default=500, ge=1)
    max_log_lines_per_build: int = Field(default=20000, ge=10)
    max_log_bytes_per_build: int = Field(default=10 * 1024 * 1024, ge=1024)
    tool_max_memory_mb: int = Field(default=2048, ge=16)
    tool_max_cpus: float = Field(default=2.0, gt=0)
    tool_default_memory_mb: int = Field(default=512, ge=16)
    tool_default_cpus: float = Field(default=1.0, gt=0)
    tool_pids_limit: int = Field(default=256, ge=16)
    tool_port_range_start: int = Field(default=20000, ge=1024, le=65535)
    tool_port_range_end: int = Field(default=29999, ge=1024, le=65535)
    health_check_timeout_seconds: int = Field(default=60, ge=1)
    health_check_interval_seconds: int = Field(default=30, ge=1)
    health_history_size: int = Field(default=50, ge=1)
    build_lease_seconds: int = Field(default=60, ge=5)
    event_bus: EventBusSetting = EventBusSetting.AUTO
    event_queue_size: int = Field(default=256, ge=8, le=100_000)
    ws_connection_init_timeout_seconds: float = Field(default=10, gt=0, le=300)
    ws_send_timeout_seconds: float = Field(default=10, gt=0, le=600)
    max_subscriptions_per_connection: int = Field(default=50, ge=1, le=1000)
    max_connections_per_user: int = Field(default=20, ge=1, le=10_000)
    max_anonymous_connections: int = Field(default=100, ge=0, le=100_000)
    # The gateway: the one public listener (on host:port), in front of the API and every tool.
    gateway: GatewaySetting = GatewaySetting.EMBEDDED
    # An external Caddy's admin endpoint: `unix:///path/to/admin.sock` or `http://host:2019`.
    gateway_admin_url: str | None = None
    base_domain: str = "localhost"
    tls: TlsSetting = TlsSetting.OFF
    acme_email: str | None = None
    # Sockets and the gateway's state (default: `<data dir>/run`); sockets need a short path.
    run_dir: Path | None = None
    # Where the API listens behind the gateway (`unix:/path` or `host:port`; default: a unix
    # socket in the run dir) and how the gateway dials it (default: the same address).
    api_listen: str | None = None
    api_upstream: str | None = None
    # Where tool containers listen, as the gateway dials them.
    tool_upstream_host: str = "127.0.0.1"
    # How long a switch waits for requests to the old container to finish before stopping it.
    drain_seconds: float = Field(default=30, ge=0, le=3600)

    @model_validator(mode="after")
    def _tool_port_range_is_ordered(self) -> Settings:
        if self.tool_port_range_start > self.tool_port_range_end:
            raise ValueError(
                "MACHETE_TOOL_PORT_RANGE_START must not be above MACHETE_TOOL_PORT_RANGE_END"
            )
        return self

    @model_validator(mode="after")
    def _gateway_is_complete(self) -> Settings:
        if self.gateway is GatewaySetting.EXTERNAL and not self.gateway_admin_url:
            raise ValueError("MACHETE_GATEWAY=external needs MACHETE_GATEWAY_ADMIN_URL")
        if self.gateway_admin_url is not None and not ADMIN_URL_PATTERN.match(
            self.gateway_admin_url
        ):
            raise ValueError(
                "MACHETE_GATEWAY_ADMIN_URL must be unix:///path/to/admin.sock or http://host:port"
            )
        if not BASE_DOMAIN_PATTERN.match(self.base_domain):
            raise ValueError(
                f"MACHETE_BASE_DOMAIN {self.base_domain[:80]!r} is not a host name "
                "(lowercase letters, digits, dashes and dots)"
            )
        return self

    @model_validator(mode="after")
    def _production_needs_a_secret_key(self) -> Settings:
        if self.mode is Mode.PRODUCTION and self.secret_key is None:
            raise ValueError("MACHETE_SECRET_KEY is required in production mode")
        if (
            self.secret_key is not None
            and len(self.secret_key.get_secret_value()) < MIN_SECRET_KEY_LENGTH
        ):
            raise ValueError(
                f"MACHETE_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters"
            )
        return self

    @property
    def resolved_run_dir(self) -> Path:
        return (self.run_dir or self.data_dir / "run").resolve()

    @property
    def gateway_enabled(self) -> bool:
        return self.gateway is not GatewaySetting.OFF

    @property
    def api_socket(self) -> Path | None:
        """The unix socket the API listens on behind the gateway, if it listens on one."""
        if not self.gateway_enabled:
            return None
        listen = self.api_listen
        if listen is None:
            return self.resolved_run_dir / "api.sock"
        return Path(listen.removeprefix("unix:")) if listen.startswith("unix:") else None

    @property
    def api_tcp_address(self) -> tuple[str, int]:
        """Where the API listens on TCP: the public address without a gateway, else the
        `api_listen` address."""
        if not self.gateway_enabled or not self.api_listen or self.api_socket is not None:
            return self.host, self.port
        host, _, port = self.api_listen.rpartition(":")
        return host.strip("[]") or "127.0.0.1", int(port)

    def socket_problem(self) -> str | None:
        """Why the sockets cannot be created where they would go (checked before serving)."""
        for what, path in (("API", self.api_socket), ("gateway admin", self.admin_socket)):
            if path is not None and len(str(path)) > MAX_SOCKET_PATH:
                return (
                    f"The {what} socket path {str(path)[:60]}... is longer than "
                    f"{MAX_SOCKET_PATH} characters; set MACHETE_RUN_DIR to a shorter directory."
                )
        return None

    @property
    def admin_socket(self) -> Path | None:
        """The embedded Caddy's admin endpoint (a unix socket, never a TCP port)."""
        if self.gateway is not GatewaySetting.EMBEDDED:
            return None
        return self.resolved_run_dir / "caddy-admin.sock"

    @property
    def tools_dir(self) -> Path:
        return self.data_dir.resolve() / "tools"

    @property
    def workspaces_dir(self) -> Path:
        return self.data_dir.resolve() / "workspaces"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir.resolve() / 'machete.db'}"

    @property
    def trusted_proxy_addresses(self) -> frozenset[str]:
        """Comma-separated addresses whose X-Forwarded-For is believed (none by default), and
        the gateway on the API's unix socket ("unix")."""
        listed = {part.strip() for part in self.trusted_proxies.split(",") if part.strip()}
        if self.api_socket is not None:
            listed.add("unix")
        return frozenset(listed)

    @property
    def graphiql_enabled(self) -> bool:
        return self.graphiql if self.graphiql is not None else self.mode is Mode.DEVELOPMENT

    @property
    def introspection_enabled(self) -> bool:
        if self.introspection is not None:
            return self.introspection
        return self.mode is Mode.DEVELOPMENT

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self.data_dir

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated on first use and kept in the data dir (0600)."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.ensure_data_dir() / SECRET_KEY_FILE
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip()

"""Where the embedded Caddy keeps its files, all inside MACHETE's run directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CaddyPaths:
    run_dir: Path
    admin_socket: Path

    @property
    def pidfile(self) -> Path:
        return self.run_dir / "caddy.pid"

    @property
    def lockfile(self) -> Path:
        return self.run_dir / "caddy.lock"

    @property
    def logfile(self) -> Path:
        return self.run_dir / "caddy.log"

    @property
    def home(self) -> Path:
        """XDG_CONFIG_HOME and XDG_DATA_HOME point here: the autosaved configuration that
        `--resume` reloads, the certificates and the local CA are MACHETE's, not ~'s."""
        return self.run_dir / "caddy"

    @property
    def config_home(self) -> Path:
        return self.home / "config"

    @property
    def data_home(self) -> Path:
        return self.home / "data"

    @property
    def storage_dir(self) -> Path:
        # Caddy's own default under XDG_DATA_HOME, named in the configuration too.
        return self.data_home / "caddy"

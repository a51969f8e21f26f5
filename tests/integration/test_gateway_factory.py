"""build_gateway maps the settings to the gateway and, when MACHETE runs Caddy, its supervisor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra.gateway.caddy.gateway import CaddyGateway
from infra.gateway.caddy.site import TlsMode
from infra.gateway.caddy.supervisor import CaddySupervisor
from infra.gateway.factory import api_dial_address, build_gateway, stop_embedded_gateway
from infra.gateway.off import NoGateway
from infra.settings import Settings
from tests.integration.caddy_support import short_run_dir


def settings_of(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.fixture
def run_dir() -> Any:
    with short_run_dir() as path:
        yield path


def test_off_means_no_gateway_and_nothing_to_supervise() -> None:
    gateway, supervisor = build_gateway(settings_of(gateway="off"))
    assert isinstance(gateway, NoGateway)
    assert supervisor is None


def test_embedded_runs_caddy_with_a_private_admin_socket_in_the_run_dir(run_dir: Path) -> None:
    settings = settings_of(run_dir=run_dir, host="127.0.0.1", port=8123, tls="internal")
    gateway, supervisor = build_gateway(settings)
    assert isinstance(gateway, CaddyGateway)
    assert isinstance(supervisor, CaddySupervisor)
    site = gateway.site
    assert site.admin_listen == f"unix/{run_dir}/caddy-admin.sock|0600"
    assert site.api_upstream == f"unix/{run_dir}/api.sock"
    assert (site.listen_host, site.listen_port, site.tls) == ("127.0.0.1", 8123, TlsMode.INTERNAL)
    assert site.dashboard_url == "https://localhost:8123"
    assert site.storage_dir == str(run_dir / "caddy" / "data" / "caddy")
    assert site.log_admin_requests is False
    assert supervisor.process.paths.pidfile == run_dir / "caddy.pid"


async def test_embedded_status_reports_the_caddy_version(run_dir: Path) -> None:
    gateway, _ = build_gateway(settings_of(run_dir=run_dir))
    assert isinstance(gateway, CaddyGateway)
    status = await gateway.status()
    await gateway.aclose()
    assert status.mode == "embedded"
    assert status.version is not None and status.version.startswith("v2.")
    assert status.reachable is False  # nothing started it


@pytest.mark.parametrize(
    ("url", "listen"),
    [
        ("http://caddy:2019", "caddy:2019"),
        ("unix:///run/caddy/admin.sock", "unix//run/caddy/admin.sock"),
    ],
)
def test_external_drives_the_operators_caddy_and_supervises_nothing(url: str, listen: str) -> None:
    gateway, supervisor = build_gateway(
        settings_of(gateway="external", gateway_admin_url=url, api_upstream="machete:8001")
    )
    assert isinstance(gateway, CaddyGateway)
    assert supervisor is None
    assert gateway.site.admin_listen == listen
    assert gateway.site.api_upstream == "machete:8001"
    assert gateway.site.storage_dir is None
    assert gateway.site.log_admin_requests is True


@pytest.mark.parametrize("url", ["ftp://caddy:2019", "unix://relative.sock", "http://c:2019/x"])
def test_an_unusable_admin_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match=r"(?i)admin[ _]url"):
        build_gateway(settings_of(gateway="external", gateway_admin_url=url))


@pytest.mark.parametrize(
    ("values", "dial"),
    [
        ({"api_upstream": "unix:/srv/m/api.sock"}, "unix//srv/m/api.sock"),
        ({"api_listen": "127.0.0.1:9001"}, "127.0.0.1:9001"),
        ({"api_listen": "[::1]:9001"}, "[::1]:9001"),
        ({"api_listen": "unix:/srv/m/other.sock"}, "unix//srv/m/other.sock"),
    ],
)
def test_caddy_dials_the_api_where_it_listens_or_where_told(
    values: dict[str, str], dial: str
) -> None:
    assert api_dial_address(settings_of(**values)) == dial


def test_stopping_when_no_caddy_runs_says_so(run_dir: Path) -> None:
    assert stop_embedded_gateway(settings_of(run_dir=run_dir)) is False

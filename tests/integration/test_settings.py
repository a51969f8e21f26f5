from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from infra.settings import Mode, Settings


def test_defaults_are_an_embedded_development_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MACHETE_MODE", "MACHETE_DATABASE_URL", "MACHETE_DATA_DIR", "MACHETE_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.mode is Mode.DEVELOPMENT
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.resolved_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.resolved_database_url.endswith(".machete/machete.db")
    assert settings.graphiql_enabled and not settings.allow_local_repos


def test_settings_come_from_machete_environment_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MACHETE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MACHETE_PORT", "9001")
    monkeypatch.setenv("MACHETE_ALLOW_LOCAL_REPOS", "true")
    monkeypatch.setenv("MACHETE_GRAPHIQL", "false")
    settings = Settings(_env_file=None)
    assert (settings.data_dir, settings.port) == (tmp_path, 9001)
    assert settings.allow_local_repos and not settings.graphiql_enabled


def test_a_generated_secret_key_is_kept_private_and_stable(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    key = settings.resolved_secret_key()
    key_file = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key) >= 32 and settings.resolved_secret_key() == key


def test_production_requires_a_secret_key_and_hides_graphiql(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="MACHETE_SECRET_KEY is required"):
        Settings(_env_file=None, mode="production", data_dir=tmp_path)
    settings = Settings(_env_file=None, mode="production", secret_key="k" * 40, data_dir=tmp_path)
    assert not settings.graphiql_enabled and not settings.introspection_enabled


def test_a_short_secret_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(_env_file=None, secret_key="short", data_dir=tmp_path)


def test_a_tool_port_range_that_ends_before_it_starts_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="MACHETE_TOOL_PORT_RANGE_START"):
        Settings(data_dir=tmp_path, tool_port_range_start=30000, tool_port_range_end=20000)


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"gateway": "external"}, "MACHETE_GATEWAY=external needs MACHETE_GATEWAY_ADMIN_URL"),
        (
            {"gateway": "external", "gateway_admin_url": "ftp://caddy"},
            "MACHETE_GATEWAY_ADMIN_URL must be",
        ),
        ({"base_domain": "Not A Domain"}, "MACHETE_BASE_DOMAIN 'Not A Domain' is not a host name"),
        ({"gateway": "sidecar"}, "gateway"),
        ({"tls": "maybe"}, "tls"),
    ],
)
def test_gateway_settings_that_cannot_work_are_refused_with_what_is_wrong(
    tmp_path: Path, overrides: dict[str, str], problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem):
        Settings(_env_file=None, data_dir=tmp_path, **overrides)  # type: ignore[arg-type]


def test_behind_the_embedded_gateway_the_api_and_admin_sockets_are_in_the_run_dir(
    tmp_path: Path,
) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert settings.api_socket == tmp_path.resolve() / "run" / "api.sock"
    assert settings.admin_socket == tmp_path.resolve() / "run" / "caddy-admin.sock"
    assert "unix" in settings.trusted_proxy_addresses
    off = Settings(_env_file=None, data_dir=tmp_path, gateway="off")
    assert (off.api_socket, off.admin_socket, off.api_tcp_address) == (
        None,
        None,
        ("127.0.0.1", 8000),
    )


def test_a_run_dir_too_deep_for_a_unix_socket_is_named_before_serving(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, run_dir=tmp_path / ("d" * 120))
    problem = settings.socket_problem()
    assert problem is not None and "MACHETE_RUN_DIR" in problem

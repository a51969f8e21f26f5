"""docker-compose.yml and the Dockerfile agree with the settings they configure (no registry
here to run them: what can be checked without one is checked)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.settings import GatewaySetting, Settings

ROOT = Path(__file__).resolve().parents[2]
DEFAULTED = re.compile(r"\$\{(\w+):([-?])([^}]*)\}")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def with_defaults(value: object) -> str:
    """`${NAME:-default}` as compose reads it with NAME unset (required ones get a stand-in)."""
    return DEFAULTED.sub(lambda m: m.group(3) if m.group(2) == "-" else "x" * 40, str(value))


def mount_of(service: dict[str, Any], volume: str) -> str:
    return next(m.split(":")[1] for m in service["volumes"] if m.startswith(f"{volume}:"))


def test_the_composed_api_drives_the_gateway_service_through_a_socket_they_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services = compose()["services"]
    api, gateway = services["api"], services["gateway"]
    for name, value in api["environment"].items():
        monkeypatch.setenv(name, with_defaults(value))
    monkeypatch.setenv("MACHETE_RUN_DIR", "/run/machete")  # the image's ENV
    settings = Settings(_env_file=None)
    assert settings.gateway is GatewaySetting.EXTERNAL
    shared = mount_of(api, "run")
    assert mount_of(gateway, "run") == shared
    admin_socket = gateway["environment"]["CADDY_ADMIN"].removeprefix("unix/")
    assert settings.gateway_admin_url == f"unix://{admin_socket}"
    assert admin_socket.startswith(shared + "/")
    assert settings.api_socket is not None and str(settings.api_socket).startswith(shared + "/")
    # The gateway has no port of its own to publish and no admin on TCP.
    assert "ports" not in gateway and "ports" not in api
    assert gateway["network_mode"] == "host"


def test_the_gateway_runs_as_the_user_that_owns_the_shared_volume() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    uid = re.search(r"useradd [^\n]*--uid (\d+)", dockerfile)
    assert uid is not None
    assert compose()["services"]["gateway"]["user"] == f"{uid.group(1)}:{uid.group(1)}"
    assert "install -d -o machete -g machete -m 0700 /run/machete" in dockerfile
    assert 'HEALTHCHECK --interval=30s --timeout=5s CMD ["machete", "ready"]' in dockerfile

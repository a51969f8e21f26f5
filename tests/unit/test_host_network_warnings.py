"""What MACHETE says at start when tools share the host's network and a gateway endpoint is
on TCP: they can reach it there, around the gateway."""

from __future__ import annotations

from typing import Any

from infra.gateway.host_network import host_network_warnings
from infra.settings import Settings


def settings_of(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


def test_unix_sockets_everywhere_give_no_warning() -> None:
    assert host_network_warnings(settings_of(gateway="embedded")) == []
    external = settings_of(
        gateway="external",
        gateway_admin_url="unix:///run/m/caddy-admin.sock",
        api_listen="unix:/run/m/api.sock",
    )
    assert host_network_warnings(external) == []


def test_an_admin_api_on_tcp_is_named() -> None:
    settings = settings_of(gateway="external", gateway_admin_url="http://127.0.0.1:2019")
    [warning] = host_network_warnings(settings)
    assert "http://127.0.0.1:2019" in warning and "every route" in warning


def test_an_api_on_tcp_is_named_and_trusting_its_peers_too() -> None:
    plain = settings_of(api_listen="127.0.0.1:8001")
    [warning] = host_network_warnings(plain)
    assert "127.0.0.1:8001" in warning
    trusting = settings_of(api_listen="127.0.0.1:8001", trusted_proxies="127.0.0.1")
    assert any("MACHETE_TRUSTED_PROXIES" in line for line in host_network_warnings(trusting))


def test_without_a_gateway_there_is_nothing_to_reach_around() -> None:
    assert host_network_warnings(settings_of(gateway="off")) == []

from __future__ import annotations

from starlette.requests import HTTPConnection

from graph.client_address import client_address

PROXY = frozenset({"127.0.0.1"})


def connection(peer: str, forwarded: str | None = None) -> HTTPConnection:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return HTTPConnection({"type": "http", "client": (peer, 5000), "headers": headers})


def test_the_peer_is_the_client_when_no_proxy_is_trusted() -> None:
    assert client_address(connection("127.0.0.2", "spoofed"), frozenset()) == "127.0.0.2"


def test_a_trusted_proxy_is_believed_about_the_nearest_untrusted_hop() -> None:
    seen = connection("127.0.0.1", "spoofed-by-client, 127.0.0.9")
    assert client_address(seen, PROXY) == "127.0.0.9"


def test_a_trusted_proxy_without_forwarding_header_is_the_client() -> None:
    assert client_address(connection("127.0.0.1"), PROXY) == "127.0.0.1"


def test_an_untrusted_peer_cannot_forge_its_address() -> None:
    assert client_address(connection("127.0.0.3", "127.0.0.9"), PROXY) == "127.0.0.3"


def test_behind_the_gateways_unix_socket_the_forwarded_address_is_the_client() -> None:
    seen = HTTPConnection(
        {"type": "http", "client": None, "headers": [(b"x-forwarded-for", b"127.0.0.7")]}
    )
    assert client_address(seen, frozenset({"unix"})) == "127.0.0.7"
    assert client_address(seen, frozenset()) is None

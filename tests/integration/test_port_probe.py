"""SocketPortProbe with real sockets on 127.0.0.1."""

from __future__ import annotations

import socket

import pytest

from infra.net.port_probe import SocketPortProbe


def bound_socket(listen: bool) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    if listen:
        sock.listen()
    return sock


@pytest.mark.parametrize("listen", [True, False])
def test_a_port_someone_holds_is_not_free(listen: bool) -> None:
    with bound_socket(listen) as held:
        port = held.getsockname()[1]
        assert SocketPortProbe().is_free(port) is False


def test_a_port_held_on_every_interface_is_not_free_on_loopback() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("0.0.0.0", 0))  # noqa: S104 - the point is a wildcard bind
        held.listen()
        assert SocketPortProbe().is_free(held.getsockname()[1]) is False


def test_a_released_port_is_free_again() -> None:
    with bound_socket(listen=False) as held:
        port = held.getsockname()[1]
    assert SocketPortProbe().is_free(port) is True


def test_probing_does_not_keep_the_port() -> None:
    with bound_socket(listen=False) as held:
        port = held.getsockname()[1]
    probe = SocketPortProbe()
    assert probe.is_free(port) and probe.is_free(port)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as again:
        again.bind(("127.0.0.1", port))
        assert again.getsockname()[1] == port


@pytest.mark.parametrize("port", [0, -1, 65536])
def test_a_port_outside_the_valid_range_is_refused(port: int) -> None:
    with pytest.raises(ValueError, match="between 1 and 65535"):
        SocketPortProbe().is_free(port)

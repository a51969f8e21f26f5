"""Whether a loopback port is free, found by binding it for an instant."""

from __future__ import annotations

import socket

LOOPBACK = "127.0.0.1"


class SocketPortProbe:
    def is_free(self, port: int) -> bool:
        if not 1 <= port <= 65535:
            raise ValueError("port must be between 1 and 65535")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # Explicitly off: with SO_REUSEADDR a port in TIME_WAIT would look free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
            try:
                probe.bind((LOOPBACK, port))
            except OSError:
                return False
        return True

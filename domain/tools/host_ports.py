"""Host ports: every tool gets its own, so two tools that declare the same port both run.

A switch needs a second port for a while (its new container listens beside the old one); the
ports held that way are reserved here until the tool moves onto them or the switch gives up.
"""

from __future__ import annotations

from domain.errors import DomainError, ErrorCode
from domain.ports import PortProbe


class HostPortTaken(DomainError):
    """Another tool took the allocated port first (a race between two installs)."""

    code = ErrorCode.CONFLICT


def allocate_host_port(used: set[int], probe: PortProbe, port_range: tuple[int, int]) -> int:
    """The lowest port in the range that no tool holds and nothing on the host listens on."""
    start, end = port_range
    for port in range(start, end + 1):
        if port not in used and probe.is_free(port):
            return port
    raise DomainError(f"No free host port is left in {start}-{end}.", code=ErrorCode.NO_FREE_PORT)


class HostPortReservations:
    """Ports this process's switches hold before any tool's row does (one per switch)."""

    def __init__(self) -> None:
        self._held: set[int] = set()

    @property
    def held(self) -> frozenset[int]:
        return frozenset(self._held)

    def reserve(self, used: set[int], probe: PortProbe, port_range: tuple[int, int]) -> int:
        """Allocate a port that no tool and no other switch holds, and hold it."""
        port = allocate_host_port(used | self._held, probe, port_range)
        self._held.add(port)
        return port

    def release(self, port: int) -> None:
        self._held.discard(port)

"""Host ports: every tool gets its own, so two tools that declare the same port both run."""

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

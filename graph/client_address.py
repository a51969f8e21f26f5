"""Who is calling, for throttling: the peer address, or what a trusted proxy says it saw."""

from __future__ import annotations

from starlette.requests import HTTPConnection

# The peer of a unix socket connection has no address: behind the embedded gateway it is the
# gateway, the only process that connects there.
UNIX_PEER = "unix"


def client_address(
    connection: HTTPConnection | None, trusted_proxies: frozenset[str]
) -> str | None:
    if connection is None:
        return None
    if connection.client is None:
        if UNIX_PEER not in trusted_proxies:
            return None
        peer = UNIX_PEER
    else:
        peer = connection.client.host
    if peer not in trusted_proxies:
        return peer
    # Walk X-Forwarded-For from the nearest hop back to the first one we do not trust.
    hops = [hop.strip() for hop in connection.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if hop not in trusted_proxies:
            return hop
    return peer

"""Who is calling, for throttling: the peer address, or what a trusted proxy says it saw."""

from __future__ import annotations

from starlette.requests import HTTPConnection


def client_address(
    connection: HTTPConnection | None, trusted_proxies: frozenset[str]
) -> str | None:
    if connection is None or connection.client is None:
        return None
    peer = connection.client.host
    if peer not in trusted_proxies:
        return peer
    # Walk X-Forwarded-For from the nearest hop back to the first one we do not trust.
    hops = [hop.strip() for hop in connection.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if hop not in trusted_proxies:
            return hop
    return peer

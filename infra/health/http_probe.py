"""One HTTP health check of a tool on a loopback port, with httpx.

MACHETE only ever probes ports it published on the loopback interface, so any other host
is refused before a connection is attempted: the probe cannot be turned into a way to
reach other machines. Proxies from the environment are ignored for the same reason.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from domain.containers import HealthResult

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ALLOWED_SCHEMES = frozenset({"http", "https"})


class HttpxHealthProbe:
    async def check(self, url: str, timeout_seconds: float) -> HealthResult:
        if timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be positive")
        refusal = _refusal(url)
        if refusal is not None:
            return HealthResult(healthy=False, error=refusal)
        started = time.perf_counter()
        try:
            # A total deadline: httpx's own timeouts apply per phase, not to the whole request.
            async with asyncio.timeout(timeout_seconds):
                status_code = await _fetch_status(url, timeout_seconds)
        except (TimeoutError, httpx.TimeoutException):
            return _failure(started, f"no answer within {timeout_seconds:g}s")
        except httpx.HTTPError as error:
            return _failure(started, _describe(error))
        latency_ms = _elapsed_ms(started)
        if 200 <= status_code < 300:
            return HealthResult(healthy=True, status_code=status_code, latency_ms=latency_ms)
        return HealthResult(
            healthy=False,
            status_code=status_code,
            latency_ms=latency_ms,
            error=f"HTTP status {status_code}",
        )


async def _fetch_status(url: str, timeout_seconds: float) -> int:
    async with (
        httpx.AsyncClient(
            trust_env=False, follow_redirects=False, timeout=timeout_seconds
        ) as client,
        client.stream("GET", url) as response,
    ):
        # The body is never read: a tool answering with a huge one costs us nothing.
        return response.status_code


def _refusal(url: str) -> str | None:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return "invalid health check URL"
    if parsed.scheme not in ALLOWED_SCHEMES:
        return "health checks use http or https only"
    if parsed.host not in LOOPBACK_HOSTS:
        return "health checks only reach loopback addresses"
    return None


def _describe(error: httpx.HTTPError) -> str:
    """A short, user-safe reason: never the exception text, which may carry internals."""
    if isinstance(error, httpx.ConnectError):
        return "connection failed"
    if isinstance(error, httpx.RemoteProtocolError):
        return "invalid HTTP response"
    return f"request failed ({type(error).__name__})"


def _failure(started: float, error: str) -> HealthResult:
    return HealthResult(healthy=False, latency_ms=_elapsed_ms(started), error=error)


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)

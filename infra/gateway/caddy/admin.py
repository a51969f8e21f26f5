"""A client of Caddy's admin API (JSON over HTTP, on a unix socket or a TCP address)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx

from infra.gateway.caddy.endpoint import AdminEndpoint
from infra.gateway.caddy.errors import GatewayRefusedConfig, GatewayUnavailable

logger = logging.getLogger(__name__)

UNREACHABLE = "The gateway (Caddy) does not answer on its admin endpoint."
# Answered without taking the configuration's lock, so a reload in progress is no hang.
LIVENESS_PATH = "/reverse_proxy/upstreams"


class CaddyAdmin:
    def __init__(self, endpoint: AdminEndpoint, timeout_seconds: float = 10.0) -> None:
        self.endpoint = endpoint
        transport = httpx.AsyncHTTPTransport(uds=str(endpoint.socket)) if endpoint.socket else None
        self._client = httpx.AsyncClient(
            base_url=endpoint.base_url,
            transport=transport,
            timeout=timeout_seconds,
            trust_env=False,
            follow_redirects=False,
        )

    async def load(self, config: bytes) -> None:
        """Replace the whole configuration; Caddy keeps the old one if it refuses the new."""
        response = await self._request(
            "POST", "/load", content=config, headers={"Content-Type": "application/json"}
        )
        if response.status_code != httpx.codes.OK:
            detail = _error_of(response)
            logger.error("Caddy refused the gateway configuration: %s", detail)
            raise GatewayRefusedConfig(
                "The gateway refused the new routes and keeps serving the previous ones.",
                detail=detail,
            )

    async def get(self, path: str, timeout_seconds: float | None = None) -> Any:
        """The JSON at `path` (`/config/...`, `/reverse_proxy/upstreams`, `/pki/ca/local`);
        None when Caddy has nothing there."""
        extra = {} if timeout_seconds is None else {"timeout": timeout_seconds}
        response = await self._request("GET", path, **extra)
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        if response.status_code != httpx.codes.OK:
            raise GatewayUnavailable(UNREACHABLE, detail=_error_of(response))
        return response.json()

    async def answers(self, timeout_seconds: float = 2.0) -> bool:
        """Whether the admin endpoint answers at all."""
        try:
            await self.get(LIVENESS_PATH, timeout_seconds)
        except GatewayUnavailable:
            return False
        return True

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._client.request(method, path, **kwargs)
        except (httpx.HTTPError, OSError) as error:
            raise GatewayUnavailable(UNREACHABLE, detail=type(error).__name__) from error


def socket_answers(socket: Path, timeout_seconds: float) -> bool:
    """Whether an admin endpoint answers on `socket` (blocking: for the process's thread)."""
    if not socket.exists():
        return False
    try:
        with httpx.Client(
            transport=httpx.HTTPTransport(uds=str(socket)), timeout=timeout_seconds
        ) as client:
            return client.get(f"http://localhost{LIVENESS_PATH}").is_success
    except (httpx.HTTPError, OSError):
        return False


def _error_of(response: httpx.Response) -> str:
    """Caddy's own explanation (`{"error": "..."}`), cut short."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return f"HTTP {response.status_code}"
    message = body.get("error") if isinstance(body, dict) else None
    return f"HTTP {response.status_code}: {str(message)[:500]}"

"""A steady stream of requests through the gateway, recording every answer: what users see
while a tool is switched, or while Caddy or MACHETE restart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx

from tests.e2e.gateway.servers import GatewayServer


@dataclass(frozen=True)
class Answer:
    sent_at: float
    status: int | None  # None: no answer at all (refused, reset, timed out)
    body: str


@dataclass
class Traffic:
    answers: list[Answer] = field(default_factory=list)
    resent: int = 0  # requests sent again on a fresh connection (see `steady_traffic`)

    @property
    def failures(self) -> list[Answer]:
        return [answer for answer in self.answers if answer.status != 200]

    def bodies_after(self, moment: float) -> set[str]:
        return {answer.body for answer in self.answers if answer.sent_at >= moment}

    def bodies(self) -> list[str]:
        return [answer.body for answer in sorted(self.answers, key=lambda a: a.sent_at)]


@asynccontextmanager
async def steady_traffic(
    gateway: GatewayServer,
    host: str,
    headers: dict[str, str] | None = None,
    per_second: float = 20,
    timeout_seconds: float = 30,
) -> AsyncIterator[Traffic]:
    """`per_second` GET / requests (each on its own, not waiting for the one before) for as
    long as the block runs; on leaving, the requests still in flight are waited for."""
    traffic = Traffic()
    pending: set[asyncio.Task[None]] = set()
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=20)
    async with gateway.client(limits=limits, timeout=timeout_seconds) as client:

        async def get() -> httpx.Response:
            asked = {"Host": host, **(headers or {})}
            try:
                return await client.get("/", headers=asked)
            except (httpx.ReadError, httpx.RemoteProtocolError):
                # Caddy closes idle keep-alive connections when it loads new routes; a GET
                # sent on one just then is sent again, as browsers and Go's client do. (A
                # container failing behind the gateway is a 502, never this.)
                traffic.resent += 1
                return await client.get("/", headers=asked)

        async def one() -> None:
            sent = time.monotonic()
            try:
                response = await get()
                traffic.answers.append(Answer(sent, response.status_code, response.text.strip()))
            except httpx.HTTPError as error:
                traffic.answers.append(Answer(sent, None, repr(error)))

        async def send() -> None:
            while True:
                task = asyncio.create_task(one())
                pending.add(task)
                task.add_done_callback(pending.discard)
                await asyncio.sleep(1 / per_second)

        sender = asyncio.create_task(send())
        try:
            yield traffic
        finally:
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
            await asyncio.gather(*pending, return_exceptions=True)

"""Keeps a socket's credential honest: closes the socket (4403) once the token expires, the
session signs out, the user is deactivated or their role changes.

It listens on the account's and the session's topics for the socket's whole life, checks once
right after subscribing (so nothing slips in between the handshake and the subscription), and
again after every event and every minute (a lost event delays, never skips, a closing).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from domain.errors import FeedClosed, FeedLagged, Unauthenticated
from domain.events import account_topic, session_topic
from domain.ports.events import EventSubscription
from graph.context import GraphQLContext

logger = logging.getLogger(__name__)
RECHECK_SECONDS = 60.0
FORBIDDEN = 4403
Close = Callable[[int, str], Awaitable[None]]


class CredentialWatch:
    def __init__(self, context: GraphQLContext, close: Close) -> None:
        assert context.credential is not None and context.connected_user is not None
        self._context = context
        self._credential = context.credential
        self._role = context.connected_user.role
        self._close = close
        topics = [account_topic(self._credential.user_id)]
        if self._credential.session_id is not None:
            topics.append(session_topic(self._credential.session_id))
        self._topics = topics

    async def run(self) -> None:
        changes = self._subscribe()
        try:
            while True:
                reason = await self._problem()
                if reason is not None:
                    await self._close(FORBIDDEN, reason[:120])
                    return
                outcome = await self._wait(changes)
                if outcome == "stop":
                    return
                if outcome == "lagged":
                    changes.close()
                    changes = self._subscribe()
        finally:
            changes.close()

    def _subscribe(self) -> EventSubscription:
        return self._context.application.events.subscribe(self._topics)

    async def _problem(self) -> str | None:
        expires_at = self._credential.expires_at
        if expires_at is not None and expires_at <= self._context.application.clock.now():
            return "The token has expired."
        bearer = self._context.bearer
        if bearer is None:
            return "Signed out."
        try:
            user = await self._context.services.authenticator.authenticate(bearer)
        except Unauthenticated as error:
            return str(error)
        except Exception:
            # The database is in trouble: keep the socket and look again at the next round.
            logger.warning("could not re-check a WebSocket's credential", exc_info=True)
            return None
        if user.role is not self._role:
            return "Your role has changed; connect again."
        return None

    async def _wait(self, changes: EventSubscription) -> str:
        """`check` (an account event, the periodic check or the expiry), `lagged` or `stop`."""
        wait = RECHECK_SECONDS
        if self._credential.expires_at is not None:
            left = self._credential.expires_at - self._context.application.clock.now()
            wait = max(0.0, min(wait, left / timedelta(seconds=1)))
        try:
            async with asyncio.timeout(wait):
                await changes.next()
            changes.drain()
        except TimeoutError:
            pass
        except FeedLagged:
            return "lagged"
        except FeedClosed:
            return "stop"  # the server is stopping; the socket closes with it
        return "check"

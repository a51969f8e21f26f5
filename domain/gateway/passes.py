"""Passes: how a browser signed in to the dashboard gets signed in to a tool's own host.

Cookies are host-only, and a browser sends the dashboard's cookie to no tool host. So the
dashboard hands the browser a one-time *ticket* for the tool's host (in a redirect); the tool
host's callback spends it for a *pass*, a cookie of that host alone. Both are signed values bound
to one host and one session (the token family): signing out ends the session, and with it every
pass it gave. The server stores nothing but the tickets already spent (until they expire).

A ticket is also bound to the browser that was sent to sign in: the gateway's redirect to the
dashboard sets a random *state* cookie on the tool's host and names the state in the redirect;
the ticket carries its digest, and the callback spends it only beside that cookie. So a ticket
someone else obtained (their own, sent as a link: login CSRF; or one that leaked) signs no other
browser in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.clock import Clock

TICKET_TTL = timedelta(seconds=60)
PASS_TTL = timedelta(hours=12)
MAX_VALUE_LENGTH = 1024
STATE_TTL = timedelta(minutes=10)
# What `new_state` makes (and the dashboard passes on): URL-safe, long enough to be unguessable.
STATE_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,128}")


def is_state(value: str | None) -> bool:
    return value is not None and STATE_PATTERN.fullmatch(value) is not None


@dataclass(frozen=True)
class ToolPass:
    """A signed-in browser on one tool host: whose session, and until when."""

    user_id: uuid.UUID
    session_id: uuid.UUID
    host: str
    expires_at: datetime
    # Where the ticket's redirect goes on the host (path and query); empty for a pass.
    path: str = ""
    # A ticket's sign-in state, as a digest; empty for a pass.
    state_digest: str = ""


class ToolPasses:
    def __init__(self, key: bytes, clock: Clock, pass_ttl: timedelta = PASS_TTL) -> None:
        self._key = key
        self._clock = clock
        self._pass_ttl = pass_ttl
        self._spent: dict[str, datetime] = {}

    @staticmethod
    def new_state() -> str:
        return secrets.token_urlsafe(32)

    def ticket(
        self, user_id: uuid.UUID, session_id: uuid.UUID, host: str, path: str, state: str
    ) -> str:
        expires = self._clock.now() + TICKET_TTL
        found = ToolPass(user_id, session_id, host, expires, path, _digest(state))
        return self._sign("ticket", found)

    def redeem(self, ticket: str, host: str, state: str | None) -> ToolPass | None:
        """The ticket's pass for this host, once, for the browser holding the sign-in's state:
        a ticket spent before, or brought by another browser, gives None."""
        found = self._read("ticket", ticket, host)
        if found is None or not is_state(state) or not found.state_digest:
            return None
        assert state is not None
        if not hmac.compare_digest(found.state_digest, _digest(state)):
            return None  # spends nothing: the browser that holds the state may still come
        now = self._clock.now()
        self._spent = {nonce: until for nonce, until in self._spent.items() if until > now}
        nonce = hashlib.sha256(ticket.encode()).hexdigest()
        if nonce in self._spent:
            return None
        self._spent[nonce] = found.expires_at
        return ToolPass(found.user_id, found.session_id, host, now + self._pass_ttl, found.path)

    def cookie(self, found: ToolPass) -> str:
        return self._sign(
            "pass", ToolPass(found.user_id, found.session_id, found.host, found.expires_at)
        )

    def read(self, value: str, host: str) -> ToolPass | None:
        return self._read("pass", value, host)

    @property
    def pass_ttl(self) -> timedelta:
        return self._pass_ttl

    def _sign(self, kind: str, content: ToolPass) -> str:
        body = {
            "k": kind,
            "u": str(content.user_id),
            "s": str(content.session_id),
            "h": content.host,
            "e": int(content.expires_at.timestamp()),
            "p": content.path,
            "b": content.state_digest,
            "n": secrets.token_urlsafe(8),
        }
        encoded = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode())
        payload = encoded.decode().rstrip("=")
        return f"{payload}.{self._mac(payload)}"

    def _read(self, kind: str, value: str, host: str) -> ToolPass | None:
        if len(value) > MAX_VALUE_LENGTH or value.count(".") != 1:
            return None
        payload, mac = value.split(".")
        if not hmac.compare_digest(self._mac(payload), mac):
            return None
        try:
            body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            found = ToolPass(
                uuid.UUID(body["u"]),
                uuid.UUID(body["s"]),
                str(body["h"]),
                datetime.fromtimestamp(int(body["e"]), self._clock.now().tzinfo),
                str(body["p"]),
                str(body.get("b", "")),
            )
        except (ValueError, KeyError, TypeError):
            return None
        if body.get("k") != kind or found.host != host or found.expires_at <= self._clock.now():
            return None
        return found

    def _mac(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()

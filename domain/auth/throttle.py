"""Sign-in throttling: failures are limited per account and client, per client, and per account.

Every attempt is counted *before* the password is checked, in one step with the check of the
limits, so that parallel attempts (concurrent requests, aliases in one document, operations on
one WebSocket) cannot all slip through while the slow hash runs. A success takes its count back.
Keying the tight account limit by client too means a stranger cannot lock a user out from
everywhere; the account-wide limit still stops guessing spread over many addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures_per_account: int = 10
    max_failures_per_client: int = 30
    max_failures_account_wide: int = 100
    window: timedelta = timedelta(minutes=15)


class FailureCounter(Protocol):
    """Recent failures per key; entries older than `since` are forgotten."""

    def count(self, key: str, since: datetime) -> int: ...
    def add(self, key: str, at: datetime) -> None: ...
    def remove_latest(self, key: str) -> None: ...


class SignInThrottle:
    def __init__(self, counter: FailureCounter, policy: ThrottlePolicy) -> None:
        self._counter = counter
        self._policy = policy

    @property
    def retry_after(self) -> timedelta:
        return self._policy.window

    def begin_attempt(self, username: str, client: str | None, now: datetime) -> bool:
        """Count an attempt as failed until proven otherwise; False when it must be refused."""
        limits = self._limits(username, client)
        since = now - self._policy.window
        if any(self._counter.count(key, since) >= limit for key, limit in limits):
            return False
        for key, _ in limits:
            self._counter.add(key, now)
        return True

    def succeeded(self, username: str, client: str | None) -> None:
        for key, _ in self._limits(username, client):
            self._counter.remove_latest(key)

    def _limits(self, username: str, client: str | None) -> list[tuple[str, int]]:
        policy = self._policy
        limits = [(f"account:{username}", policy.max_failures_account_wide)]
        if client:
            limits += [
                (f"account:{username}|client:{client}", policy.max_failures_per_account),
                (f"client:{client}", policy.max_failures_per_client),
            ]
        return limits

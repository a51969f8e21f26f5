"""Failed sign-ins are limited per account and per client, each attempt counted on its own
(aliases in one document and operations over a WebSocket count like separate requests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures_per_account: int = 10
    max_failures_per_client: int = 30
    window: timedelta = timedelta(minutes=15)


class FailureCounter(Protocol):
    """Recent failures per key, forgotten after the policy's window."""

    def count(self, key: str, since: datetime) -> int: ...
    def add(self, key: str, at: datetime) -> None: ...
    def clear(self, key: str) -> None: ...


class SignInThrottle:
    def __init__(self, counter: FailureCounter, policy: ThrottlePolicy) -> None:
        self._counter = counter
        self._policy = policy

    @staticmethod
    def _keys(username: str, client: str | None) -> tuple[str, str | None]:
        return f"account:{username}", f"client:{client}" if client else None

    def is_blocked(self, username: str, client: str | None, now: datetime) -> bool:
        account, client_key = self._keys(username, client)
        since = now - self._policy.window
        if self._counter.count(account, since) >= self._policy.max_failures_per_account:
            return True
        return client_key is not None and (
            self._counter.count(client_key, since) >= self._policy.max_failures_per_client
        )

    def record_failure(self, username: str, client: str | None, now: datetime) -> None:
        for key in self._keys(username, client):
            if key is not None:
                self._counter.add(key, now)

    def record_success(self, username: str) -> None:
        self._counter.clear(self._keys(username, None)[0])

    @property
    def retry_after(self) -> timedelta:
        return self._policy.window

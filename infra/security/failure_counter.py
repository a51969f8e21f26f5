"""An in-process `FailureCounter`: timestamps per key, bounded so that it cannot grow forever.

Each API process counts its own attempts; with several replicas the limits apply per replica.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from datetime import datetime

MAX_KEYS = 50_000


class InMemoryFailureCounter:
    def __init__(self, max_keys: int = MAX_KEYS, max_per_key: int = 1_000) -> None:
        self._failures: OrderedDict[str, deque[datetime]] = OrderedDict()
        self._max_keys = max_keys
        self._max_per_key = max_per_key

    def count(self, key: str, since: datetime) -> int:
        times = self._failures.get(key)
        if times is None:
            return 0
        while times and times[0] < since:
            times.popleft()
        if not times:
            del self._failures[key]
            return 0
        return len(times)

    def add(self, key: str, at: datetime) -> None:
        times = self._failures.setdefault(key, deque(maxlen=self._max_per_key))
        times.append(at)
        self._failures.move_to_end(key)
        while len(self._failures) > self._max_keys:
            self._failures.popitem(last=False)

    def remove_latest(self, key: str) -> None:
        times = self._failures.get(key)
        if times:
            times.pop()
        if times is not None and not times:
            del self._failures[key]

"""Limits and defaults an admin sets for every tool (manifest values are capped by them)."""

from __future__ import annotations

from dataclasses import dataclass

NANO_CPUS_PER_CPU = 1_000_000_000
MIB = 1024 * 1024


@dataclass(frozen=True)
class ToolPolicy:
    allow_local_repos: bool = False
    port_range: tuple[int, int] = (20000, 29999)
    default_memory_bytes: int = 512 * MIB
    max_memory_bytes: int = 2048 * MIB
    default_nano_cpus: int = NANO_CPUS_PER_CPU
    max_nano_cpus: int = 2 * NANO_CPUS_PER_CPU
    pids_limit: int = 256
    health_timeout_seconds: float = 60.0
    # How long a switch lets requests to the old container finish before stopping it.
    drain_seconds: float = 30.0
    # A request the gateway took before the switch may still be in its sign-in check, and
    # reaches the old container after the switch: the old one serves at least this long.
    switch_settle_seconds: float = 2.0

    def memory_for(self, requested: int | None) -> int:
        return min(requested or self.default_memory_bytes, self.max_memory_bytes)

    def nano_cpus_for(self, requested: int | None) -> int:
        return min(requested or self.default_nano_cpus, self.max_nano_cpus)

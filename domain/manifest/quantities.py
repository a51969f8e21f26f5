"""Memory and CPU amounts as authors write them, turned into the numbers the engine takes.

Memory units are binary whatever the spelling: Docker reads "512m" as 512 MiB, and tool
authors writing "256M" for a container mean the same, so "M", "Mi" and "MB" all count 1024².
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

NANO_CPUS_PER_CPU = 1_000_000_000
# Docker refuses less than 6 MiB of memory and less than 0.01 CPU for a container.
MIN_MEMORY_BYTES = 6 * 1024**2
MAX_MEMORY_BYTES = 2**62
MIN_NANO_CPUS = NANO_CPUS_PER_CPU // 100
MAX_NANO_CPUS = 1024 * NANO_CPUS_PER_CPU

_MEMORY = re.compile(r"(?P<amount>\d{1,15}(?:\.\d{1,9})?)\s*(?P<unit>[a-zA-Z]{0,3})")
_CPU = re.compile(r"(?P<amount>\d{1,9}(?:\.\d{1,9})?)(?P<milli>m?)")
_MEMORY_UNITS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4}


class InvalidQuantity(ValueError):
    """The amount is malformed or out of range; the message says why."""


def memory_bytes(amount: str | int | float) -> int:
    """Bytes from "512Mi", "1G", "256M" or a plain number of bytes."""
    value = _memory_text_bytes(amount) if isinstance(amount, str) else Decimal(str(amount))
    if not value.is_finite():
        raise InvalidQuantity("is not a memory amount")
    if value < MIN_MEMORY_BYTES:
        raise InvalidQuantity("must be at least 6Mi (Docker refuses less)")
    if value > MAX_MEMORY_BYTES:
        raise InvalidQuantity("is too large")
    return int(value)


def nano_cpus(amount: str | int | float) -> int:
    """Nano CPUs (1 CPU = 1e9) from "500m", "0.5", 1 or 2 CPUs."""
    try:
        value = _cpu_count(amount)
    except InvalidOperation as error:
        raise InvalidQuantity('is not a CPU amount (examples: "500m", 0.5, 2)') from error
    nanos = int(value * NANO_CPUS_PER_CPU)
    if nanos < MIN_NANO_CPUS:
        raise InvalidQuantity("must be at least 10m (0.01 CPU)")
    if nanos > MAX_NANO_CPUS:
        raise InvalidQuantity("is too large")
    return nanos


def _memory_text_bytes(text: str) -> Decimal:
    match = _MEMORY.fullmatch(text.strip())
    unit = _unit_power(match["unit"]) if match else None
    if match is None or unit is None:
        raise InvalidQuantity('is not a memory amount (examples: "512Mi", "1G", 268435456)')
    scale: int = 1024**unit  # typeshed types `int ** int` as Any: a negative power is a float
    return Decimal(match["amount"]) * scale


def _unit_power(unit: str) -> int | None:
    """The power of 1024 a unit stands for ("Mi", "M", "MB", "m" -> 2); None if unknown."""
    letters = unit.lower()
    if letters.endswith("b"):
        letters = letters[:-1]
    if len(letters) == 2 and letters.endswith("i"):
        letters = letters[:-1]
    return _MEMORY_UNITS.get(letters)


def _cpu_count(amount: str | int | float) -> Decimal:
    if isinstance(amount, int | float):
        value = Decimal(str(amount))
        if not value.is_finite():
            raise InvalidOperation
        return value
    match = _CPU.fullmatch(amount.strip())
    if match is None:
        raise InvalidOperation
    value = Decimal(match["amount"])
    return value / 1000 if match["milli"] else value

"""Memory and CPU amounts, as Docker understands them."""

from __future__ import annotations

import pytest

from domain.manifest.quantities import InvalidQuantity, memory_bytes, nano_cpus

MI = 1024**2


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("512Mi", 512 * MI),
        ("1Gi", 1024 * MI),
        ("256M", 256 * MI),
        ("1G", 1024 * MI),
        ("512m", 512 * MI),
        ("1.5Gi", 1536 * MI),
        ("64MB", 64 * MI),
        ("10000000", 10_000_000),
        (10_000_000, 10_000_000),
    ],
)
def test_memory_amounts_in_binary_units_become_bytes(amount: str | int, expected: int) -> None:
    assert memory_bytes(amount) == expected


@pytest.mark.parametrize("amount", ["5Mi", 1024, "1Pi", "lots", "1.5.5M", "-1Gi", "", "1Xi"])
def test_memory_amounts_docker_cannot_use_are_refused(amount: str | int) -> None:
    with pytest.raises(InvalidQuantity):
        memory_bytes(amount)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("500m", 500_000_000),
        ("0.5", 500_000_000),
        (1, 10**9),
        (2, 2 * 10**9),
        (1.5, 1_500_000_000),
        ("10m", 10**7),
    ],
)
def test_cpu_amounts_become_nano_cpus(amount: str | float, expected: int) -> None:
    assert nano_cpus(amount) == expected


@pytest.mark.parametrize("amount", ["9m", 0, -1, "1.5.0", "half", float("inf"), 2000])
def test_cpu_amounts_docker_cannot_use_are_refused(amount: str | float) -> None:
    with pytest.raises(InvalidQuantity):
        nano_cpus(amount)

"""Which mounts two containers of one tool may hold at once, and the ports switches hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.containers import Mount
from domain.errors import DomainError, ErrorCode
from domain.tools.host_ports import HostPortReservations
from domain.tools.mount_sharing import redirect_risk
from tests.unit.tool_fakes import FakePortProbe

ROOT = Path("/data/tools/hello")


def mount(path: str, read_only: bool = False) -> Mount:
    return Mount(ROOT / path, f"/mnt/{path}", read_only)


def test_the_same_directories_in_both_containers_are_safe() -> None:
    both = (mount("data"), mount("config", read_only=True))
    assert redirect_risk(both, both) is None


def test_a_directory_inside_the_running_containers_writable_mount_is_refused() -> None:
    risk = redirect_risk([mount("data/cache")], [mount("data")])
    assert risk is not None and "running container can write to" in risk


def test_a_writable_new_mount_around_the_running_ones_is_refused_too() -> None:
    # The new container could swap the old one's directory before its restart remounts it.
    risk = redirect_risk([mount(".")], [mount("data")])
    assert risk is not None and "new container can write to" in risk


def test_nesting_under_a_read_only_mount_is_safe() -> None:
    assert redirect_risk([mount("config/extra")], [mount("config", read_only=True)]) is None
    assert redirect_risk([mount(".", read_only=True)], [mount("data")]) is None


def test_sibling_directories_with_a_common_prefix_are_not_nested() -> None:
    assert redirect_risk([mount("data2")], [mount("data")]) is None


def test_a_reserved_port_is_skipped_until_it_is_released() -> None:
    reservations, probe = HostPortReservations(), FakePortProbe()
    first = reservations.reserve({20000}, probe, (20000, 20010))
    second = reservations.reserve({20000}, probe, (20000, 20010))
    assert (first, second) == (20001, 20002)
    assert reservations.held == {20001, 20002}
    reservations.release(first)
    assert reservations.reserve({20000}, probe, (20000, 20010)) == 20001


def test_no_port_left_for_a_switch_is_no_free_port() -> None:
    with pytest.raises(DomainError) as caught:
        HostPortReservations().reserve({20000}, FakePortProbe(), (20000, 20000))
    assert caught.value.code is ErrorCode.NO_FREE_PORT

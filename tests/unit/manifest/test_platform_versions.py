"""Version constraints read the way npm's semver ranges do."""

from __future__ import annotations

import pytest

from domain.manifest.versions import InvalidVersion, parse_release, satisfies


@pytest.mark.parametrize(
    ("constraint", "release", "expected"),
    [
        (">=1.0.0", "1.0.0", True),
        (">=1.0.0", "0.9.9", False),
        ("^1.0", "1.9.3", True),
        ("^1.0", "2.0.0", False),
        ("^0.2.3", "0.2.9", True),
        ("^0.2.3", "0.3.0", False),
        ("~1.2", "1.2.7", True),
        ("~1.2", "1.3.0", False),
        ("~1", "1.9.0", True),
        ("1.x", "1.4.0", True),
        ("1.x", "2.0.0", False),
        ("1.2.*", "1.2.5", True),
        (">=1.0 <2.0", "1.99.0", True),
        (">=1.0 <2.0", "2.0.0", False),
        (">=1.0, <2.0", "1.5.0", True),
        ("*", "0.0.1", True),
        ("1.0.0", "1.0.0", True),
        ("1.0.0", "1.0.1", False),
        (">1.2", "1.2.9", False),
        (">1.2", "1.3.0", True),
        ("<=1.2", "1.2.9", True),
        ("<1.2", "1.1.9", True),
        ("<1.2", "1.2.0", False),
        ("<1.0.0 || >=2.0.0", "2.1.0", True),
        ("<1.0.0 || >=2.0.0", "1.5.0", False),
        (">= 1.0.0", "1.0.0", True),
        ("v1.0.0-beta", "1.0.0", True),
    ],
)
def test_a_constraint_admits_exactly_the_releases_it_names(
    constraint: str, release: str, expected: bool
) -> None:
    assert satisfies(parse_release(release), constraint) is expected


@pytest.mark.parametrize(
    "constraint", ["", "latest", ">=", "1.0.0.0", ">=1.0 <", "||", "1.0 foo", "=>1.0", "x" * 101]
)
def test_malformed_constraints_are_refused(constraint: str) -> None:
    with pytest.raises(InvalidVersion):
        satisfies((1, 0, 0), constraint)


def test_a_release_pads_missing_parts_with_zeros() -> None:
    assert parse_release("1.2") == (1, 2, 0)
    with pytest.raises(InvalidVersion):
        parse_release("one")

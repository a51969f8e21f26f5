"""Platform version constraints: ">=1.0.0", "^1.0", "~1.2", "1.x", ">=1.0 <2.0", "*".

The rules follow npm's semver ranges, which tool authors know: a partial version is a range
("1.x" and "1" are >=1.0.0 <2.0.0), caret allows changes that keep the left-most non-zero
part, tilde allows patch changes. Alternatives may be joined with "||". Pre-release and build
suffixes are accepted and ignored: the platform compares release numbers only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Release = tuple[int, int, int]
MAX_CONSTRAINT_LENGTH = 100

_PART = r"(?:\d{1,9}|[xX*])"
_VERSION = re.compile(
    rf"v?(?P<parts>{_PART}(?:\.{_PART}){{0,2}})(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?"
)
_COMPARATOR = re.compile(r"\s*(?P<op>>=|<=|>|<|==|=|\^|~>|~)?\s*(?P<version>[^\s<>=^~]+)\s*")


class InvalidVersion(ValueError):
    """The text is not a version or a version constraint."""


@dataclass(frozen=True)
class Bound:
    op: str  # one of >=, >, <=, <
    release: Release

    def admits(self, release: Release) -> bool:
        if self.op == ">=":
            return release >= self.release
        if self.op == ">":
            return release > self.release
        if self.op == "<=":
            return release <= self.release
        return release < self.release


def parse_release(text: str) -> Release:
    """An exact version such as "1.0.0" or "1.2" (missing parts are zero)."""
    parts = _partial(text)
    if parts is None:
        raise InvalidVersion(f'"{text}" is not a version')
    return _padded(parts)


def satisfies(release: Release, constraint: str) -> bool:
    """True when `release` meets `constraint`; raises InvalidVersion for a malformed one."""
    alternatives = parse_constraint(constraint)
    return any(all(bound.admits(release) for bound in bounds) for bounds in alternatives)


def parse_constraint(constraint: str) -> list[list[Bound]]:
    if len(constraint) > MAX_CONSTRAINT_LENGTH or not constraint.strip():
        raise InvalidVersion(f'"{constraint}" is not a version constraint')
    return [_parse_alternative(part) for part in constraint.split("||")]


def _parse_alternative(text: str) -> list[Bound]:
    text = text.replace(",", " ")
    if not text.strip():
        raise InvalidVersion("an empty alternative is not a version constraint")
    bounds: list[Bound] = []
    position = 0
    while position < len(text):
        token = _COMPARATOR.match(text, position)
        parts = _partial(token["version"]) if token else None
        if token is None or parts is None:
            raise InvalidVersion(f'"{text.strip()}" is not a version constraint')
        bounds.extend(_bounds(token["op"] or "=", parts))
        position = token.end()
    return bounds


def _partial(text: str) -> list[int] | None:
    """The numbers before the first wildcard: "1.2.x" -> [1, 2]; None when not a version."""
    match = _VERSION.fullmatch(text)
    if match is None:
        return None
    numbers: list[int] = []
    for part in match["parts"].split("."):
        if not part.isdigit():
            break
        numbers.append(int(part))
    return numbers


def _padded(parts: list[int]) -> Release:
    padded = [*parts, 0, 0, 0][:3]
    return (padded[0], padded[1], padded[2])


def _next(parts: list[int]) -> Release:
    """The first release past a partial version: [1, 2] -> 1.3.0, [1] -> 2.0.0."""
    return _padded([*parts[:-1], parts[-1] + 1])


def _bounds(op: str, parts: list[int]) -> list[Bound]:
    if not parts:  # "*" or "x": any version, whatever the operator
        return []
    if op in ("=", "=="):
        if len(parts) == 3:
            return [Bound(">=", _padded(parts)), Bound("<=", _padded(parts))]
        return [Bound(">=", _padded(parts)), Bound("<", _next(parts))]
    if op in ("~", "~>"):
        return [Bound(">=", _padded(parts)), Bound("<", _next(parts[:2]))]
    if op == "^":
        return [Bound(">=", _padded(parts)), Bound("<", _caret_ceiling(parts))]
    return [_comparison(op, parts)]


def _caret_ceiling(parts: list[int]) -> Release:
    # Bump the left-most non-zero part; "^0.0" and "^0" keep their last written part.
    for index, number in enumerate(parts):
        if number != 0:
            return _next(parts[: index + 1])
    return _next(parts)


def _comparison(op: str, parts: list[int]) -> Bound:
    partial = len(parts) < 3
    if op == ">" and partial:
        return Bound(">=", _next(parts))  # ">1.2" means past every 1.2.x
    if op == "<=" and partial:
        return Bound("<", _next(parts))  # "<=1.2" includes every 1.2.x
    return Bound(op, _padded(parts))

"""Reading located nodes with type checks, collecting every problem instead of stopping early."""

from __future__ import annotations

from collections.abc import Collection

from domain.errors import ErrorCode
from domain.manifest.document import Entry, Mapping, Node, Scalar, Sequence, describe
from domain.manifest.problems import ManifestProblem
from domain.manifest.suggestions import did_you_mean

KeyPath = tuple[str | int, ...]


class Problems:
    """Every problem found so far, in the order they were found."""

    def __init__(self) -> None:
        self.found: list[ManifestProblem] = []

    def add(
        self, detail: str, path: KeyPath, line: int | None, code: ErrorCode | None = None
    ) -> None:
        self.found.append(ManifestProblem(detail, path=path, line=line, code=code))

    def wrong_type(self, expected: str, node: Node, path: KeyPath) -> None:
        self.add(f"expected {expected}, got {describe(node)}", path, node.line)


class Fields:
    """The known keys of one mapping; `line` is where the mapping's owner is written."""

    def __init__(self, entries: dict[str, Entry], path: KeyPath, line: int) -> None:
        self.entries = entries
        self.path = path
        self.line = line

    def optional(self, key: str) -> Node | None:
        """The key's value; a missing key and an explicit null both count as not given."""
        entry = self.entries.get(key)
        if entry is None or (isinstance(entry.value, Scalar) and entry.value.value is None):
            return None
        return entry.value

    def required(self, key: str, problems: Problems) -> Node | None:
        entry = self.entries.get(key)
        if entry is None:
            problems.add(f'the required key "{key}" is missing', (*self.path, key), self.line)
            return None
        return entry.value


def read_fields(
    node: Node, allowed: Collection[str], path: KeyPath, line: int, problems: Problems
) -> Fields | None:
    """Check that `node` is a mapping of known, unique keys; report the others."""
    if not isinstance(node, Mapping):
        problems.wrong_type("a mapping", node, path)
        return None
    entries: dict[str, Entry] = {}
    for entry in node.entries:
        if entry.key in entries:
            first = entries[entry.key].line
            problems.add(f"duplicate key (first at line {first})", (*path, entry.key), entry.line)
        elif entry.key not in allowed:
            hint = did_you_mean(entry.key, allowed)
            problems.add(f"unknown key{hint}", (*path, entry.key), entry.line)
        else:
            entries[entry.key] = entry
    return Fields(entries, path, line)


def read_text(
    node: Node, path: KeyPath, problems: Problems, *, max_length: int, numbers_ok: bool = False
) -> str | None:
    """A string; with `numbers_ok`, a number counts as the text written (`version: 1.0`)."""
    if not isinstance(node, Scalar) or not _is_text(node, numbers_ok):
        problems.wrong_type("a string", node, path)
        return None
    if len(node.text) > max_length:
        problems.add(f"is longer than {max_length} characters", path, node.line)
        return None
    return node.text


def read_int(node: Node, path: KeyPath, problems: Problems) -> int | None:
    # bool is an int in Python; `port: true` is still a mistake.
    if (
        isinstance(node, Scalar)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return node.value
    problems.wrong_type("a whole number", node, path)
    return None


def read_bool(node: Node, path: KeyPath, problems: Problems) -> bool | None:
    if isinstance(node, Scalar) and isinstance(node.value, bool):
        return node.value
    problems.wrong_type("true or false", node, path)
    return None


def read_list(node: Node, path: KeyPath, problems: Problems) -> Sequence | None:
    if isinstance(node, Sequence):
        return node
    problems.wrong_type("a list", node, path)
    return None


def _is_text(node: Scalar, numbers_ok: bool) -> bool:
    if isinstance(node.value, str):
        return True
    is_number = isinstance(node.value, int | float) and not isinstance(node.value, bool)
    return numbers_ok and is_number

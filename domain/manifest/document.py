"""A parsed YAML document as a tiny tree of located nodes, so every problem can name its line.

Adapters build it (see `infra.manifest.yaml_document`); the validator only walks it.
"""

from __future__ import annotations

from dataclasses import dataclass

ScalarValue = str | int | float | bool | None


@dataclass(frozen=True)
class Scalar:
    """A leaf: `value` is typed as YAML resolved it, `text` is what the author wrote."""

    value: ScalarValue
    text: str
    line: int


@dataclass(frozen=True)
class Entry:
    """One `key: value` pair of a mapping; `line` is where the key is written."""

    key: str
    line: int
    value: Node


@dataclass(frozen=True)
class Mapping:
    """Entries in document order; duplicates are kept so the validator can report them."""

    entries: tuple[Entry, ...]
    line: int


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]
    line: int


Node = Scalar | Mapping | Sequence


def describe(node: Node) -> str:
    """What a node is, in the words a problem message uses ("got a list")."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    value = node.value
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return "text"

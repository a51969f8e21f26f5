"""`machete.environment`: a list of "KEY=VALUE" strings or a mapping of KEY: scalar."""

from __future__ import annotations

import re

from domain.manifest.checks import KeyPath, Problems, read_text
from domain.manifest.document import Mapping, Node, Scalar, Sequence

ENVIRONMENT_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# MACHETE sets PORT itself to the port the tool must listen on.
RESERVED_KEYS = frozenset({"PORT"})
MAX_ENTRY_LENGTH = 4096


def read_environment(node: Node, path: KeyPath, problems: Problems) -> dict[str, str]:
    if isinstance(node, Sequence):
        pairs = _pairs_from_list(node, path, problems)
    elif isinstance(node, Mapping):
        pairs = _pairs_from_mapping(node, path, problems)
    else:
        problems.wrong_type('a list of "KEY=VALUE" or a mapping', node, path)
        return {}
    environment: dict[str, str] = {}
    first_lines: dict[str, int] = {}
    for key, value, item_path, line in pairs:
        if key in first_lines:
            detail = f'"{key}" is set twice (first at line {first_lines[key]})'
            problems.add(detail, item_path, line)
            continue
        first_lines[key] = line
        if _pair_is_valid(key, value, item_path, line, problems):
            environment[key] = value
    return environment


Pair = tuple[str, str, KeyPath, int]


def _pairs_from_list(node: Sequence, path: KeyPath, problems: Problems) -> list[Pair]:
    pairs: list[Pair] = []
    for index, item in enumerate(node.items):
        item_path = (*path, index)
        text = read_text(item, item_path, problems, max_length=MAX_ENTRY_LENGTH)
        if text is None:
            continue
        key, equals, value = text.partition("=")  # the value keeps any further "="
        if not equals:
            problems.add(f'"{text}" is not of the form KEY=VALUE', item_path, item.line)
            continue
        pairs.append((key, value, item_path, item.line))
    return pairs


def _pairs_from_mapping(node: Mapping, path: KeyPath, problems: Problems) -> list[Pair]:
    pairs: list[Pair] = []
    for entry in node.entries:
        entry_path = (*path, entry.key)
        value = entry.value
        if not isinstance(value, Scalar):
            problems.wrong_type("a string, number or true/false", value, entry_path)
            continue
        # The author's own spelling: `DEBUG: yes` means "yes", `RATIO: 1.50` means "1.50".
        text = "" if value.value is None else value.text
        if len(text) > MAX_ENTRY_LENGTH:
            problems.add(f"is longer than {MAX_ENTRY_LENGTH} characters", entry_path, value.line)
            continue
        pairs.append((entry.key, text, entry_path, entry.line))
    return pairs


def _pair_is_valid(key: str, value: str, path: KeyPath, line: int, problems: Problems) -> bool:
    if not ENVIRONMENT_KEY.fullmatch(key):
        detail = (
            f'"{key}" is not a valid variable name (letters, digits and "_", not first a digit)'
        )
        problems.add(detail, path, line)
        return False
    if key in RESERVED_KEYS:
        problems.add(f'"{key}" is reserved: MACHETE sets it to the tool\'s port', path, line)
        return False
    if "\x00" in value:
        problems.add("a value must not contain a NUL character", path, line)
        return False
    return True

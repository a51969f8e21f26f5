"""The optional top-level sections: `ui`, `resources` and `permissions`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeGuard

from domain.manifest.checks import KeyPath, Problems, read_bool, read_fields, read_list, read_text
from domain.manifest.document import Entry, Node, Scalar
from domain.manifest.model import Resources
from domain.manifest.quantities import InvalidQuantity, memory_bytes, nano_cpus

UI_KEYS = ("icon", "color", "routes")
ROUTE_KEYS = ("path", "title")
MAX_UI_TEXT_LENGTH = 200


def read_ui(entry: Entry, problems: Problems) -> dict[str, Any]:
    """Shown by the dashboard only, so checked loosely: known keys holding strings."""
    fields = read_fields(entry.value, UI_KEYS, ("ui",), entry.line, problems)
    if fields is None:
        return {}
    ui: dict[str, Any] = {}
    for key in ("icon", "color"):
        if (node := fields.optional(key)) is not None:
            text = read_text(node, ("ui", key), problems, max_length=MAX_UI_TEXT_LENGTH)
            if text is not None:
                ui[key] = text
    if (node := fields.optional("routes")) is not None:
        ui["routes"] = _routes(node, ("ui", "routes"), problems)
    return ui


def _routes(node: Node, path: KeyPath, problems: Problems) -> list[dict[str, str]]:
    items = read_list(node, path, problems)
    routes: list[dict[str, str]] = []
    for index, item in enumerate(items.items if items else ()):
        fields = read_fields(item, ROUTE_KEYS, (*path, index), item.line, problems)
        if fields is None:
            continue
        route: dict[str, str] = {}
        for key in ROUTE_KEYS:
            if (value := fields.optional(key)) is not None:
                text = read_text(value, (*path, index, key), problems, max_length=1024)
                if text is not None:
                    route[key] = text
        routes.append(route)
    return routes


def read_resources(entry: Entry, problems: Problems) -> Resources:
    fields = read_fields(entry.value, ("memory", "cpu"), ("resources",), entry.line, problems)
    if fields is None:
        return Resources()
    memory = fields.optional("memory")
    cpu = fields.optional("cpu")
    return Resources(
        memory_bytes=_quantity(memory, ("resources", "memory"), memory_bytes, problems),
        nano_cpus=_quantity(cpu, ("resources", "cpu"), nano_cpus, problems),
    )


Converter = Callable[[str | int | float], int]


def _quantity(
    node: Node | None, path: KeyPath, convert: Converter, problems: Problems
) -> int | None:
    if node is None:
        return None
    value = node.value if isinstance(node, Scalar) else None
    if not isinstance(node, Scalar) or not _is_amount(value):
        problems.wrong_type("a string or a number", node, path)
        return None
    try:
        return convert(value)
    except InvalidQuantity as error:
        problems.add(f'"{node.text}" {error}', path, node.line)
        return None


def _is_amount(value: object) -> TypeGuard[str | int | float]:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def read_read_only(entry: Entry, problems: Problems) -> bool:
    """Whether `permissions: {filesystem: {read_only: true}}` asks for a read-only root."""
    permissions = read_fields(entry.value, ("filesystem",), ("permissions",), entry.line, problems)
    filesystem = permissions.entries.get("filesystem") if permissions else None
    if filesystem is None or _is_null(filesystem.value):
        return False
    path = ("permissions", "filesystem")
    fields = read_fields(filesystem.value, ("read_only",), path, filesystem.line, problems)
    node = fields.optional("read_only") if fields else None
    if node is None:
        return False
    return bool(read_bool(node, (*path, "read_only"), problems))


def _is_null(node: Node) -> bool:
    return isinstance(node, Scalar) and node.value is None

"""`machete.yml` rules: the whole document is checked and every problem reported at once."""

from __future__ import annotations

import re
from typing import Any, TypedDict

from domain.errors import ValidationFailed
from domain.manifest.checks import Fields, Problems, read_fields, read_text
from domain.manifest.document import Entry, Mapping, Node, describe
from domain.manifest.extras import read_read_only, read_resources, read_ui
from domain.manifest.model import Manifest, Resources
from domain.manifest.platform_section import (
    PLATFORM_KEYS,
    PlatformSection,
    read_platform_section,
)

TOP_LEVEL_KEYS = (
    "name",
    "version",
    "description",
    "author",
    "license",
    "machete",
    "ui",
    "resources",
    "permissions",
)
# The name becomes a container and image name, which may not end with a dash.
TOOL_NAME = re.compile(r"[a-z](?:[a-z0-9-]*[a-z0-9])?")
MAX_NAME_LENGTH = 40
MAX_TEXT_LENGTHS = {"version": 100, "description": 2000, "author": 200, "license": 100}


def validate_manifest(document: Node, platform_version: str) -> Manifest:
    """The manifest `document` declares, or `ValidationFailed` listing every problem."""
    problems = Problems()
    if not isinstance(document, Mapping):
        detail = f"the document must be a mapping (name:, machete:, ...), not {describe(document)}"
        problems.add(detail, (), document.line)
        raise ValidationFailed(list(problems.found))
    fields = read_fields(document, TOP_LEVEL_KEYS, (), document.line, problems)
    assert fields is not None  # the document is a mapping
    name = _tool_name(fields, problems)
    texts = {key: _optional_text(fields, key, problems) for key in MAX_TEXT_LENGTHS}
    section = _platform_section(fields, platform_version, problems)
    extras = _optional_sections(fields, problems)
    if problems.found or name is None or section.port is None:
        ordered = sorted(problems.found, key=lambda problem: problem.line or 0)
        raise ValidationFailed(ordered)
    return Manifest(
        name=name,
        version=texts["version"],
        description=texts["description"],
        author=texts["author"],
        license=texts["license"],
        platform_version=section.platform_version,
        category=section.category,
        port=section.port,
        health_check=section.health_check,
        environment=section.environment,
        volumes=section.volumes,
        dependencies=section.dependencies,
        deploy=section.deploy,
        **extras,
    )


class _OptionalSections(TypedDict):
    ui: dict[str, Any]
    resources: Resources
    read_only_filesystem: bool


def _optional_sections(fields: Fields, problems: Problems) -> _OptionalSections:
    """The `Manifest` arguments from `ui`, `resources` and `permissions`."""
    ui, resources = _given(fields, "ui"), _given(fields, "resources")
    permissions = _given(fields, "permissions")
    return _OptionalSections(
        ui=read_ui(ui, problems) if ui else {},
        resources=read_resources(resources, problems) if resources else Resources(),
        read_only_filesystem=read_read_only(permissions, problems) if permissions else False,
    )


def _tool_name(fields: Fields, problems: Problems) -> str | None:
    node = fields.required("name", problems)
    if node is None:
        return None
    name = read_text(node, ("name",), problems, max_length=MAX_NAME_LENGTH)
    if name is not None and not TOOL_NAME.fullmatch(name):
        detail = (
            f'"{name}" is not a valid tool name: use lowercase letters, digits and dashes,'
            " starting with a letter and ending with a letter or digit"
        )
        problems.add(detail, ("name",), node.line)
        return None
    return name


def _optional_text(fields: Fields, key: str, problems: Problems) -> str | None:
    node = fields.optional(key)
    if node is None:
        return None
    # `version: 1.0` is a number to YAML but plainly meant as text.
    limit, numbers_ok = MAX_TEXT_LENGTHS[key], key == "version"
    return read_text(node, (key,), problems, max_length=limit, numbers_ok=numbers_ok)


def _platform_section(fields: Fields, platform: str, problems: Problems) -> PlatformSection:
    if fields.required("machete", problems) is None:
        return PlatformSection()
    entry = fields.entries["machete"]
    section_fields = read_fields(entry.value, PLATFORM_KEYS, ("machete",), entry.line, problems)
    if section_fields is None:
        return PlatformSection()
    return read_platform_section(section_fields, platform, problems)


def _given(fields: Fields, key: str) -> Entry | None:
    """The entry when its key is present with a non-null value."""
    entry = fields.entries.get(key)
    return entry if entry is not None and fields.optional(key) is not None else None

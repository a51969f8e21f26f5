"""The `machete:` section: what the platform needs to build, run and check the tool."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.errors import ErrorCode
from domain.manifest.checks import Fields, KeyPath, Problems, read_int, read_list, read_text
from domain.manifest.document import Node
from domain.manifest.environment import read_environment
from domain.manifest.model import Category, DeployStrategy, Volume
from domain.manifest.suggestions import did_you_mean
from domain.manifest.versions import InvalidVersion, parse_release, satisfies
from domain.manifest.volumes import read_volumes

PLATFORM_KEYS = (
    "version",
    "category",
    "port",
    "health_check",
    "environment",
    "volumes",
    "dependencies",
    "deploy",
)
MAX_PATH_LENGTH = 1024
MAX_DEPENDENCY_LENGTH = 200
_UNSAFE_IN_URL_PATH = re.compile(r"[\s\x00-\x1f\x7f\\]")


@dataclass
class PlatformSection:
    platform_version: str | None = None
    category: Category = Category.OTHER
    port: int | None = None
    health_check: str = "/"
    environment: dict[str, str] = field(default_factory=dict)
    volumes: tuple[Volume, ...] = ()
    dependencies: tuple[str, ...] = ()
    deploy: DeployStrategy = DeployStrategy.ROLLING


def read_platform_section(fields: Fields, platform: str, problems: Problems) -> PlatformSection:
    section = PlatformSection()
    path = fields.path
    if (node := fields.optional("version")) is not None:
        section.platform_version = _platform_version(node, (*path, "version"), platform, problems)
    if (node := fields.optional("category")) is not None:
        section.category = _category(node, (*path, "category"), problems) or Category.OTHER
    if (node := fields.required("port", problems)) is not None:
        section.port = _port(node, (*path, "port"), problems)
    if (node := fields.optional("health_check")) is not None:
        section.health_check = _health_check(node, (*path, "health_check"), problems) or "/"
    if (node := fields.optional("environment")) is not None:
        section.environment = read_environment(node, (*path, "environment"), problems)
    if (node := fields.optional("volumes")) is not None:
        section.volumes = read_volumes(node, (*path, "volumes"), problems)
    if (node := fields.optional("dependencies")) is not None:
        section.dependencies = _dependencies(node, (*path, "dependencies"), problems)
    if (node := fields.optional("deploy")) is not None:
        section.deploy = _deploy(node, (*path, "deploy"), problems) or DeployStrategy.ROLLING
    return section


def _platform_version(node: Node, path: KeyPath, platform: str, problems: Problems) -> str | None:
    constraint = read_text(node, path, problems, max_length=100, numbers_ok=True)
    if constraint is None:
        return None
    release = parse_release(platform)  # a bad platform version is a bug, not a problem
    try:
        supported = satisfies(release, constraint)
    except InvalidVersion:
        detail = f'"{constraint}" is not a version constraint (examples: ">=1.0.0", "^1.0", "1.x")'
        problems.add(detail, path, node.line)
        return None
    if not supported:
        detail = f'this tool needs MACHETE "{constraint}", but this platform is {platform}'
        problems.add(detail, path, node.line, ErrorCode.UNSUPPORTED_PLATFORM_VERSION)
    return constraint


def _category(node: Node, path: KeyPath, problems: Problems) -> Category | None:
    text = read_text(node, path, problems, max_length=100)
    if text is None:
        return None
    names = [category.value for category in Category]
    if text not in names:
        detail = f'"{text}" is not a category{did_you_mean(text, names)}; use one of: '
        problems.add(detail + ", ".join(names), path, node.line)
        return None
    return Category(text)


def _deploy(node: Node, path: KeyPath, problems: Problems) -> DeployStrategy | None:
    text = read_text(node, path, problems, max_length=100)
    if text is None:
        return None
    names = [strategy.value for strategy in DeployStrategy]
    if text not in names:
        detail = (
            f'"{text}" is not a deploy strategy{did_you_mean(text, names)}; use "rolling" (start'
            ' the new container beside the old one) or "recreate" (stop the old one first)'
        )
        problems.add(detail, path, node.line)
        return None
    return DeployStrategy(text)


def _port(node: Node, path: KeyPath, problems: Problems) -> int | None:
    port = read_int(node, path, problems)
    if port is not None and not 1 <= port <= 65535:
        problems.add(f"{port} is not a port number (1 to 65535)", path, node.line)
        return None
    return port


def _health_check(node: Node, path: KeyPath, problems: Problems) -> str | None:
    text = read_text(node, path, problems, max_length=MAX_PATH_LENGTH)
    if text is None:
        return None
    # "//host/x" would name another host to URL joiners; only a path on the tool is allowed.
    if not text.startswith("/") or text.startswith("//"):
        problems.add(
            f'"{text}" must be a path starting with one "/", like /health', path, node.line
        )
        return None
    if _UNSAFE_IN_URL_PATH.search(text) or ".." in text:
        detail = f'"{text}" must not contain whitespace, control characters, backslashes or ".."'
        problems.add(detail, path, node.line)
        return None
    return text


def _dependencies(node: Node, path: KeyPath, problems: Problems) -> tuple[str, ...]:
    items = read_list(node, path, problems)
    if items is None:
        return ()
    names = [
        read_text(item, (*path, index), problems, max_length=MAX_DEPENDENCY_LENGTH)
        for index, item in enumerate(items.items)
    ]
    return tuple(name for name in names if name is not None)

"""Tool names: slugs that become container and image names."""

from __future__ import annotations

import re

from domain.errors import DomainError, ErrorCode

MAX_NAME_LENGTH = 40
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$")
ENV_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RESERVED_ENV_NAMES = frozenset({"PORT"})
MAX_ENV_VALUE_LENGTH = 32 * 1024


def name_problems(name: str, field: tuple[str, ...] = ("name",)) -> list[DomainError]:
    if len(name) > MAX_NAME_LENGTH or not NAME_PATTERN.match(name) or "--" in name:
        return [
            DomainError(
                f"Tool name {name[:60]!r} must be 1-{MAX_NAME_LENGTH} lowercase letters, digits "
                "and single dashes, starting with a letter.",
                code=ErrorCode.INVALID_INPUT,
                field=field,
            )
        ]
    return []


def name_from_repo_url(repo_url: str) -> str:
    """`https://host/team/My_Tool.git` -> `my-tool`: the default when no name is given."""
    last = re.split(r"[/:]", repo_url.rstrip("/"))[-1]
    last = last.removesuffix(".git").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", last).strip("-")
    slug = re.sub(r"^[^a-z]+", "", slug)[:MAX_NAME_LENGTH].rstrip("-")
    return slug or "tool"


def variable_problems(
    variables: dict[str, str], field: tuple[str, ...], what: str = "Variable"
) -> list[DomainError]:
    problems = []
    for name, value in variables.items():
        if not ENV_NAME_PATTERN.match(name) or name in RESERVED_ENV_NAMES:
            reason = "is reserved" if name in RESERVED_ENV_NAMES else "is not a valid name"
            problems.append(DomainError(f"{what} {name[:60]!r} {reason}.", field=field))
        elif len(value) > MAX_ENV_VALUE_LENGTH or "\x00" in value:
            problems.append(DomainError(f"{what} {name!r} has an invalid value.", field=field))
    return problems

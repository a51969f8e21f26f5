"""Custom domains: the host names an admin adds to a tool, checked before anything is stored.

A domain is written as users type it into a browser: `tools.example.com`. It is kept
normalized (trimmed, lowercase, without the trailing dot of a fully qualified name), so that
one name is stored one way and two tools can never answer on the same name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.errors import DomainError, ErrorCode, ValidationFailed

MAX_DOMAINS_PER_TOOL = 20
MAX_DOMAIN_LENGTH = 253
# A label: letters, digits and inner dashes, 1 to 63 of them (RFC 1035, lowercased).
LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def normalized(domain: str) -> str:
    return domain.strip().lower().removesuffix(".")


def normalized_domains(domains: Sequence[str], base_domain: str) -> tuple[str, ...]:
    """The domains as stored: normalized, each once, sorted. Raises `ValidationFailed` naming
    every domain at fault (by its position in `domains`)."""
    problems: list[DomainError] = []
    kept: set[str] = set()
    for index, raw in enumerate(domains):
        domain = normalized(raw)
        reason = domain_problem(domain, normalized(base_domain))
        if reason is None:
            kept.add(domain)
        else:
            message = f"{raw.strip()!r}: {reason}" if raw.strip() else reason
            problems.append(DomainError(message, field=("domains", str(index))))
    if not problems and len(kept) > MAX_DOMAINS_PER_TOOL:
        message = f"A tool may have at most {MAX_DOMAINS_PER_TOOL} custom domains."
        problems.append(DomainError(message, field=("domains",)))
    if problems:
        raise ValidationFailed(problems)
    return tuple(sorted(kept))


def domain_problem(domain: str, base_domain: str) -> str | None:
    """Why `domain` (normalized) cannot be a custom domain; None when it can."""
    if not domain:
        return "A domain cannot be empty."
    if "*" in domain:
        return "Wildcard domains are not supported; add each name."
    if ":" in domain or "/" in domain:
        return "Give a host name only, without a scheme, port or path."
    if len(domain) > MAX_DOMAIN_LENGTH:
        return f"A domain has at most {MAX_DOMAIN_LENGTH} characters."
    if domain == base_domain or domain.endswith(f".{base_domain}"):
        return f"Names under {base_domain} are the tools' own names; choose another domain."
    labels = domain.split(".")
    if len(labels) < 2:
        return "A domain needs at least one dot (tools.example.com)."
    if not all(LABEL.match(label) for label in labels):
        return (
            "Each part of a domain has 1 to 63 letters, digits or inner dashes"
            " (write international names in their xn-- form)."
        )
    if labels[-1].isdigit():
        # Browsers read a name ending in digits as an IPv4 address (127.1 too).
        return "IP addresses are not domains."
    return None


def domain_taken(domain: str) -> DomainError:
    return DomainError(
        f"{domain} is already a domain of another tool.",
        code=ErrorCode.NAME_TAKEN,
        field=("domains",),
    )


def domains_taken() -> DomainError:
    """What the store says when a domain was taken by another tool since the service looked."""
    return DomainError(
        "A domain of this tool is already a domain of another tool.",
        code=ErrorCode.NAME_TAKEN,
        field=("domains",),
    )

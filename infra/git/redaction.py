"""Credentials out of anything git prints before it reaches a log line or an error message."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from domain.tools.source import display_url

_USERINFO_IN_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@'\"]+@")
REDACTED = "***"
MIN_SECRET_LENGTH = 4  # shorter strings would mangle ordinary words without protecting much


def scrub(text: str, repo_url: str) -> str:
    """`text` with the URL shown without userinfo and any password or token masked."""
    shown = display_url(repo_url)
    if shown != repo_url:
        text = text.replace(repo_url, shown)
    for secret in url_secrets(repo_url):
        text = text.replace(secret, REDACTED)
    return _USERINFO_IN_URL.sub(r"\1", text)


def url_secrets(repo_url: str) -> set[str]:
    """The password of the URL, or its user name when that is all https has (a bare token)."""
    if display_url(repo_url) == repo_url:
        return set()
    try:
        parts = urlsplit(repo_url)
    except ValueError:
        return set()
    candidates = [parts.password or parts.username or ""]
    found = {text for value in candidates for text in (value, unquote(value))}
    return {secret for secret in found if len(secret) >= MIN_SECRET_LENGTH}

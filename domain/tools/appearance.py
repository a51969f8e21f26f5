"""How a tool looks on the dashboard: the manifest's `ui.icon` and `ui.color`, made safe to show.

The manifest comes from a repository nobody vetted, so the colour is passed on only as a plain
hex colour (anything else could smuggle CSS such as `url(...)` into a page) and the icon only as
a few printable characters.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
MAX_ICON_CHARACTERS = 8


def ui_section(manifest: dict[str, Any] | None) -> dict[str, Any]:
    ui = (manifest or {}).get("ui")
    return ui if isinstance(ui, dict) else {}


def safe_color(value: object) -> str | None:
    """`value` if it is a `#rgb` or `#rrggbb` colour (opaque: a card stays legible), else None."""
    if isinstance(value, str) and HEX_COLOR.fullmatch(value.strip()):
        return value.strip().lower()
    return None


def safe_icon(value: object) -> str | None:
    """A short icon (an emoji or a few letters) without control or formatting characters."""
    if not isinstance(value, str):
        return None
    # Emoji sequences keep their zero-width joiner; every other control or format character goes.
    kept = (c for c in value.strip() if unicodedata.category(c)[0] != "C" or c == "\u200d")
    visible = "".join(kept)
    return visible[:MAX_ICON_CHARACTERS] or None

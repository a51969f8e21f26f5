"""A manifest's `ui.icon` and `ui.color` reach the dashboard only in a form safe to show."""

from __future__ import annotations

import pytest

from domain.tools.appearance import safe_color, safe_icon, ui_section


@pytest.mark.parametrize("color", ["#fff", "#FF6B35", " #123456 "])
def test_hex_colours_pass_lowercased(color: str) -> None:
    assert safe_color(color) == color.strip().lower()


@pytest.mark.parametrize(
    "color",
    ["red", "#ff6b35; background: url(http://evil.example/x)", "url(x)", "#12", "#abcd", 7],
)
def test_anything_but_a_hex_colour_is_dropped(color: object) -> None:
    assert safe_color(color) is None


def test_icons_keep_emoji_sequences_and_lose_control_characters() -> None:
    assert safe_icon("🔧") == "🔧"
    assert safe_icon("👩\u200d💻") == "👩\u200d💻"
    assert safe_icon("\u202e\x1b[31mAB\u0000") == "[31mAB"
    assert safe_icon("x" * 50) == "x" * 8
    assert safe_icon("   ") is None
    assert safe_icon(["🔧"]) is None


def test_a_manifest_without_a_ui_mapping_has_no_appearance() -> None:
    assert ui_section(None) == {}
    assert ui_section({"ui": "🔧"}) == {}
    assert ui_section({"ui": {"icon": "🔧"}}) == {"icon": "🔧"}

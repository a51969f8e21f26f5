"""Debian's Chromium under Playwright, headless, able to reach nothing but loopback.

Playwright never downloads a browser here: it drives /usr/bin/chromium. The flags keep Chromium
itself quiet (no background networking), and the resolver and proxy rules make every name but
127.0.0.1, `localhost` and `*.localhost` (the gateway's names for the dashboard and tools, which
Chromium resolves to loopback itself) unreachable; on top of that each page counts and blocks any
request to another origin.
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("MACHETE_TEST_CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[3]
AXE_SCRIPT = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("MACHETE_TEST_ARTIFACTS", ROOT / ".artifacts")) / "browser"

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost, "
    "EXCLUDE *.localhost",
    "--proxy-server=http://127.0.0.1:9",
]


def chromium_available() -> bool:
    return CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)

"""MACHETE's own small pages on tools' hosts: sign-in needed, access refused, link expired.

Self-contained (no script, no external resource), with every name HTML-escaped.
"""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse

PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;"
    "min-height:100vh;background:#f6f7f9;color:#1c1f24}main{max-width:32rem;padding:2rem;"
    "background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}a{color:#2457c5}"
)


def page(
    status: int, title: str, message: str, link: tuple[str, str] | None = None
) -> HTMLResponse:
    anchor = f'<p><a href="{escape(link[0])}">{escape(link[1])}</a></p>' if link else ""
    body = (
        f"<!doctype html><html lang=en><meta charset=utf-8>"
        f'<meta name=viewport content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)} · MACHETE</title><style>{STYLE}</style>"
        f"<main><h1>{escape(title)}</h1><p>{escape(message)}</p>{anchor}</main></html>"
    )
    return HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)

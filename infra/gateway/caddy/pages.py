"""MACHETE's own pages that the gateway answers with by itself: a tool stopped, not running,
not answering or unknown, and MACHETE restarting. Self-contained HTML, nothing fetched."""

from __future__ import annotations

import html
from typing import Any

Handler = dict[str, Any]

# No braces anywhere in the template: Caddy would read `{...}` as a placeholder.
TEMPLATE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>%(title)s</title></head>\n"
    '<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;'
    'padding:0 1rem;color:#222;line-height:1.5">\n'
    '<h1 style="font-size:1.4rem">%(title)s</h1>\n<p>%(text)s</p>\n'
    '<p><a href="%(dashboard)s">Open the MACHETE dashboard</a></p>\n</body></html>\n'
)


def text(value: str) -> str:
    """`value` as HTML text that Caddy leaves alone: escaped, and braces as character
    references so that no part of it can read as a placeholder."""
    return html.escape(value).replace("{", "&#123;").replace("}", "&#125;")


def page(
    status: int, title: str, body: str, dashboard_url: str, retry_after: int | None = None
) -> Handler:
    """A `static_response` handler; `title` and `body` are HTML already (see `text`)."""
    headers = {
        "Content-Type": ["text/html; charset=utf-8"],
        "Cache-Control": ["no-store"],
        "X-Content-Type-Options": ["nosniff"],
    }
    if retry_after is not None:
        headers["Retry-After"] = [str(retry_after)]
    document = TEMPLATE % {"title": title, "text": body, "dashboard": text(dashboard_url)}
    return {
        "handler": "static_response",
        "status_code": status,
        "headers": headers,
        "body": document,
    }


def stopped(name: str, dashboard_url: str) -> Handler:
    return page(
        503,
        f"{text(name)} is stopped",
        "Someone who maintains this tool can start it again from the dashboard.",
        dashboard_url,
    )


def not_running(name: str, dashboard_url: str) -> Handler:
    return page(
        503,
        f"{text(name)} is not running",
        "It is being built, or it failed to start: its status is on the dashboard.",
        dashboard_url,
        retry_after=10,
    )


def not_answering(name: str, dashboard_url: str) -> Handler:
    return page(
        502,
        f"{text(name)} is not answering",
        "The tool is running but did not answer this request.",
        dashboard_url,
        retry_after=5,
    )


def no_such_tool(name_placeholder: str | None, dashboard_url: str) -> Handler:
    """`name_placeholder`: the Caddy placeholder of the name asked for, which the config's
    matcher has restricted to characters that need no escaping; None for any other name."""
    title = "No tool has this name"
    if name_placeholder is not None:
        title = f"No tool is called {name_placeholder}"
    return page(404, title, "Check the address, or find the tool on the dashboard.", dashboard_url)


def reserved(dashboard_url: str) -> Handler:
    """`/_machete/` on a tool's name: MACHETE's, and nothing there but the sign-in callback."""
    return page(
        404,
        "Nothing here",
        "Addresses under /_machete/ belong to MACHETE, not to the tool.",
        dashboard_url,
    )


def restarting(dashboard_url: str) -> Handler:
    return page(
        503,
        "MACHETE is restarting",
        "Try again in a few seconds.",
        dashboard_url,
        retry_after=5,
    )

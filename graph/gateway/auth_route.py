"""`GET /_machete/auth`: the gateway's sign-in check before each request to a tool.

The gateway sends the request's headers here first (Caddy's forward_auth) with `X-Machete-Tool`
naming the tool. A 2xx lets the request through, with who is asking in `X-Machete-User` and
`X-Machete-Role`; any other answer goes back to the browser as it is: a redirect to sign-in (which
sets the sign-in's state cookie on the tool's host, see `domain/gateway/passes.py`), a 401 for
scripts, a 403 page for a role below the tool's access level.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from domain.gateway.gate import Caller, Verdict
from domain.gateway.passes import STATE_TTL, ToolPasses, is_state
from graph.gateway.cookies import PASS_COOKIE, STATE_COOKIE, read_cookie, set_host_cookie
from graph.gateway.pages import page
from graph.gateway.requests import bearer, is_navigation, original_url, public_host

AUTH_PATH = "/_machete/auth"
SIGN_IN_PATH = "/_machete/sign-in"
USER_HEADER = "X-Machete-User"
ROLE_HEADER = "X-Machete-Role"
TOOL_HEADER = "x-machete-tool"
NO_STORE = {"Cache-Control": "no-store"}

router = APIRouter()


@router.get(AUTH_PATH, include_in_schema=False)
async def check(request: Request) -> Response:
    services = request.app.state.application.services
    tool_id = _tool_id(request)
    if tool_id is None:
        return page(404, "No such tool", "The gateway named no tool MACHETE knows.")
    secure = services.routes.addresses.scheme == "https"
    caller = Caller(bearer(request), read_cookie(request, PASS_COOKIE, secure))
    decision = await services.gate.check(tool_id, public_host(request), caller)
    if decision.verdict is Verdict.ALLOWED:
        headers = dict(NO_STORE)
        if decision.user is not None:
            headers[USER_HEADER] = decision.user.username
            headers[ROLE_HEADER] = decision.user.role.value
        return Response(status_code=200, headers=headers)
    if decision.verdict is Verdict.NOT_FOUND:
        return page(404, "No such tool", "This tool is not installed (any more).")
    addresses = services.routes.addresses
    name = decision.tool.name if decision.tool else "this tool"
    if decision.verdict is Verdict.SIGN_IN:
        if caller.bearer is None and is_navigation(request):
            # One state per browser and host, kept while it lasts: sign-ins started in two
            # tabs both end well.
            state = read_cookie(request, STATE_COOKIE, secure)
            if not is_state(state):
                state = ToolPasses.new_state()
            target = original_url(request, addresses.scheme)
            query = urlencode({"return_to": target, "state": state})
            location = f"{addresses.dashboard_url}{SIGN_IN_PATH}?{query}"
            redirect = RedirectResponse(location, status_code=302, headers=NO_STORE)
            assert state is not None
            set_host_cookie(redirect, STATE_COOKIE, state, int(STATE_TTL.total_seconds()), secure)
            return redirect
        return PlainTextResponse(
            f"Sign in to MACHETE to open {name}: send `Authorization: Bearer <API token>`.\n",
            status_code=401,
            headers={**NO_STORE, "WWW-Authenticate": 'Bearer realm="machete"'},
        )
    required = decision.tool.access.value if decision.tool else "more"
    return page(
        403,
        "Access refused",
        f"Opening {name} needs the {required} role; ask an admin of MACHETE.",
        (addresses.dashboard_url + "/", "Back to MACHETE"),
    )


def _tool_id(request: Request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.headers.get(TOOL_HEADER, ""))
    except ValueError:
        return None

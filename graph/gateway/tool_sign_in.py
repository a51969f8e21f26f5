"""Signing a browser in on a tool's host, from the dashboard where it is signed in already.

1. The gateway sends a browser without a pass to `/_machete/sign-in?return_to=<tool URL>&state=`
   on the dashboard, having set the state as a cookie of the tool's host. The dashboard signs the
   user in (if need be), then `POST /_machete/tickets` with its access token, the URL and the
   state: the answer is the tool host's callback URL with a one-time ticket.
2. `GET /_machete/callback?ticket=...` on the tool's host (the gateway routes it to MACHETE, never
   to the tool) spends the ticket, beside the state cookie it was given for, for the host's pass
   cookie and redirects to the page first asked for.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from domain.errors import DomainError, Unauthenticated
from graph.gateway.auth_route import NO_STORE
from graph.gateway.cookies import PASS_COOKIE, STATE_COOKIE, read_cookie, set_host_cookie
from graph.gateway.pages import page
from graph.gateway.requests import bearer, public_host

TICKETS_PATH = "/_machete/tickets"
CALLBACK_PATH = "/_machete/callback"
MAX_RETURN_TO = 4096

router = APIRouter()


def _refusal(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=NO_STORE
    )


@router.post(TICKETS_PATH, include_in_schema=False)
async def ticket(request: Request) -> JSONResponse:
    token = bearer(request)
    if token is None:
        return _refusal(401, "INVALID_TOKEN", "Send `Authorization: Bearer <access token>`.")
    try:
        body = await request.json()
    except ValueError:
        return _refusal(400, "INVALID_INPUT", 'The body must be JSON: {"returnTo": URL}.')
    return_to = body.get("returnTo") if isinstance(body, dict) else None
    if not isinstance(return_to, str) or not return_to or len(return_to) > MAX_RETURN_TO:
        return _refusal(400, "INVALID_INPUT", "`returnTo` must be a tool's URL.")
    state = body.get("state")
    if not isinstance(state, str):
        return _refusal(400, "INVALID_INPUT", "`state` must be the sign-in's state.")
    services = request.app.state.application.services
    try:
        redirect, _host = await services.gate.ticket_for(token, return_to, state)
    except Unauthenticated as error:
        return _refusal(401, "INVALID_TOKEN", str(error))
    except DomainError as error:
        return _refusal(400, error.code.value, error.message)
    return JSONResponse({"redirect": redirect}, headers=NO_STORE)


@router.get(CALLBACK_PATH, include_in_schema=False)
async def callback(request: Request, ticket: str = "") -> Response:
    services = request.app.state.application.services
    passes = services.gate.passes
    secure = services.routes.addresses.scheme == "https"
    state = read_cookie(request, STATE_COOKIE, secure)
    found = passes.redeem(ticket, public_host(request), state) if ticket else None
    if found is None:
        return page(
            400,
            "This sign-in link has expired",
            "It was used already, is too old, or was opened in another browser than the one"
            " that was sent to sign in. Open the tool again to sign in.",
            ("/", "Open the tool"),
        )
    response = RedirectResponse(found.path or "/", status_code=302, headers=NO_STORE)
    max_age = int(passes.pass_ttl.total_seconds())
    set_host_cookie(response, PASS_COOKIE, passes.cookie(found), max_age, secure)
    set_host_cookie(response, STATE_COOKIE, "", 0, secure)  # spent
    return response

"""`POST /auth/refresh`: a browser spends its refresh cookie for a new access token.

The one request a cookie authenticates; `refused_cross_site` keeps other sites from making it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from domain.errors import DomainError
from graph.auth.browser_session import (
    BINDING_HEADER,
    REFRESH_COOKIE,
    REFRESH_PATH,
    clear_refresh_cookie,
    refused_cross_site,
    set_refresh_cookie,
)

NO_STORE = {"Cache-Control": "no-store"}

router = APIRouter()


def _refusal(status: int, code: str, message: str) -> JSONResponse:
    body = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=NO_STORE)


@router.post(REFRESH_PATH, include_in_schema=False)
async def refresh(request: Request) -> JSONResponse:
    """Rotate the cookie's refresh token; answer the new access token and its expiry."""
    refusal = refused_cross_site(request)
    if refusal is not None:
        return _refusal(403, "FORBIDDEN", refusal)
    token = request.cookies.get(REFRESH_COOKIE)
    if not token:
        return _refusal(401, "INVALID_TOKEN", "Not signed in.")
    application = request.app.state.application
    try:
        proof = request.headers.get(BINDING_HEADER, "")
        session = await application.services.sessions.refresh(token, binding=proof)
    except DomainError as error:
        response = _refusal(401, error.code.value, str(error))
        clear_refresh_cookie(response, request)
        return response
    body = {
        "accessToken": session.access_token.token,
        "accessTokenExpiresAt": session.access_token.expires_at.isoformat(),
    }
    response = JSONResponse(body, headers=NO_STORE)
    max_age = application.settings.refresh_token_ttl_seconds
    set_refresh_cookie(response, request, session.refresh_token, max_age)
    return response

"""`GET /_machete/ca.pem`: the local CA's root certificate (TLS `internal`), for browsers and
machines to trust. A root certificate is public: anyone may download it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from domain.errors import DomainError
from graph.system.types import ROOT_CERTIFICATE_PATH

router = APIRouter()


@router.get(ROOT_CERTIFICATE_PATH, include_in_schema=False)
async def root_certificate(request: Request) -> Response:
    gateway = request.app.state.application.services.routes.gateway
    try:
        pem = await gateway.root_certificate()
    except DomainError as error:
        return PlainTextResponse(error.message + "\n", status_code=503)
    if pem is None:
        return PlainTextResponse(
            "The gateway has no local CA (MACHETE_TLS is not `internal`).\n", 404
        )
    return Response(
        pem,
        media_type="application/x-pem-file",
        headers={"Content-Disposition": 'attachment; filename="machete-root-ca.pem"'},
    )

"""The ASGI application: FastAPI with the GraphQL router, health probes and the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from graph.auth.refresh_route import router as refresh_router
from graph.gateway.auth_route import router as gateway_auth_router
from graph.gateway.certificate_route import router as certificate_router
from graph.gateway.tool_sign_in import router as tool_sign_in_router
from graph.live.connections import LiveConnections
from graph.live.transport import TransportAccess
from graph.no_store import NoStoreGraphQL
from graph.router import graphql_router
from graph.schema import build_schema, hardened_extensions
from graph.web.pages import dist_dir, mount_dashboard, mount_graphiql
from infra.bootstrap import bootstrap, create_admin_from_environment, prepare_database
from infra.settings import Settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, prepared: bool = False) -> FastAPI:
    """The app; `prepared` says the database and first admin were already seen to (by the CLI)."""
    settings = settings or Settings()
    live = LiveConnections(settings.max_connections_per_user, settings.max_anonymous_connections)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        application = bootstrap(settings)
        try:
            if not prepared:
                await prepare_database(application)
                await create_admin_from_environment(application)
            await application.services.sessions.prepare()
            await application.events.start()
            await application.report_network_mode()
            application.start_background_work()
            await application.start_gateway()
            app.state.application = application
            app.state.live = live
            yield
        finally:
            # Sockets first, so every feed ends (and cleans up) before the bus goes away.
            try:
                await live.close_all()
            finally:
                await application.close()

    app = FastAPI(
        title="MACHETE", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    schema = build_schema(
        hardened_extensions(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_query_tokens,
            introspection=settings.introspection_enabled,
        )
    )
    dist = dist_dir(settings.web_dist)
    if settings.graphiql_enabled:
        mount_graphiql(app, dist)
    app.include_router(refresh_router)
    app.include_router(gateway_auth_router)
    app.include_router(tool_sign_in_router)
    app.include_router(certificate_router)
    router = graphql_router(schema, settings, live)
    app.include_router(router)
    app.state.graphql_router = router
    app.add_middleware(NoStoreGraphQL)
    app.add_middleware(TransportAccess)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """The process is alive and serving."""
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        """Ready to serve: the database answers."""
        reachable = await request.app.state.application.services.system.database_reachable()
        status = 200 if reachable else 503
        return JSONResponse(
            {"status": "ok" if reachable else "unavailable", "database": reachable},
            status_code=status,
        )

    mount_dashboard(app, dist)  # last: it answers every GET that no route above did
    return app

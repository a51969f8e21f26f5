from __future__ import annotations

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info

from domain.auth.commands import CreateApiToken, RevokeApiToken, SignIn
from domain.auth.model import Session
from domain.errors import Forbidden, InvalidToken, Unauthenticated
from domain.users.model import Role
from graph.auth.browser_session import (
    BINDING_HEADER,
    clear_refresh_cookie,
    set_refresh_cookie,
    wants_cookie,
)
from graph.auth.inputs import (
    CreateApiTokenInput,
    RefreshTokenInput,
    RevokeApiTokenInput,
    SignInInput,
    SignOutInput,
)
from graph.auth.payloads import (
    CreateApiTokenPayload,
    RevokeApiTokenPayload,
    SignInPayload,
    SignOutPayload,
)
from graph.context import GraphQLContext
from graph.mutation import key, mutation_payload
from graph.permissions import require_role
from graph.users.types import ApiTokenType, UserType


def browser_exchange(info: Info[GraphQLContext, None]) -> tuple[Request, Response] | None:
    """The HTTP request and response of a browser that asked for the cookie session, if it did."""
    request, response = info.context.request, info.context.response
    if wants_cookie(request) and isinstance(request, Request) and response is not None:
        return request, response
    return None


async def session_payload(info: Info[GraphQLContext, None], session: Session) -> SignInPayload:
    user = await info.context.loaders.user_by_id.load(session.user_id)
    refresh_token: str | None = session.refresh_token
    if exchange := browser_exchange(info):
        request, response = exchange
        # A browser: the refresh token goes into an HttpOnly cookie, never into page scripts;
        # the page keeps the binding proof that must come with the cookie.
        max_age = info.context.application.settings.refresh_token_ttl_seconds
        set_refresh_cookie(response, request, session.refresh_token, max_age)
        if session.binding is not None:
            response.headers[BINDING_HEADER] = session.binding
        refresh_token = None
    return SignInPayload(
        access_token=session.access_token.token,
        refresh_token=refresh_token,
        access_token_expires_at=session.access_token.expires_at,
        user=UserType.from_domain(user) if user else None,
    )


async def end_session(info: Info[GraphQLContext, None], refresh_token: str | None) -> None:
    sessions = info.context.services.sessions
    if refresh_token is not None:
        await sessions.sign_out(refresh_token)
        return
    bearer = info.context.bearer
    try:
        _, credential = await info.context.services.authenticator.verify(bearer or "")
    except Unauthenticated:
        credential = None
    if credential is None or credential.session_id is None:
        raise InvalidToken(
            "Send the session's refresh token, or sign out with one of its access tokens.",
            field=("refresh_token",),
        )
    await sessions.end_session(credential.session_id)


@strawberry.type
class AuthMutations:
    @strawberry.mutation(description="Exchange a username and password for tokens.")
    async def sign_in(self, info: Info[GraphQLContext, None], input: SignInInput) -> SignInPayload:
        sessions = info.context.services.sessions

        async def work() -> SignInPayload:
            session = await sessions.sign_in(
                SignIn(input.username, input.password),
                client=info.context.client_address,
                browser=wants_cookie(info.context.request),
            )
            return await session_payload(info, session)

        return await mutation_payload(SignInPayload, work)

    @strawberry.mutation(description="Spend a refresh token for new tokens (rotation).")
    async def refresh_token(
        self, info: Info[GraphQLContext, None], input: RefreshTokenInput
    ) -> SignInPayload:
        sessions = info.context.services.sessions

        async def work() -> SignInPayload:
            return await session_payload(info, await sessions.refresh(input.refresh_token))

        return await mutation_payload(SignInPayload, work)

    @strawberry.mutation(
        description="End a session: the refresh token's, or else the access token's sent."
    )
    async def sign_out(
        self, info: Info[GraphQLContext, None], input: SignOutInput
    ) -> SignOutPayload:
        if exchange := browser_exchange(info):
            # Whatever happens below, this browser's cookie is done with.
            clear_refresh_cookie(exchange[1], exchange[0])

        async def work() -> SignOutPayload:
            await end_session(info, input.refresh_token)
            return SignOutPayload()

        return await mutation_payload(SignOutPayload, work)

    @strawberry.mutation(description="Create a personal API token; the secret is shown once.")
    async def create_api_token(
        self, info: Info[GraphQLContext, None], input: CreateApiTokenInput
    ) -> CreateApiTokenPayload:
        actor = await require_role(info, Role.VIEWER)
        api_tokens = info.context.services.api_tokens

        async def work() -> CreateApiTokenPayload:
            if info.context.uses_api_token:
                # A leaked API token must not mint successors that outlive its revocation.
                raise Forbidden("Sign in with a password to create API tokens.")
            command = CreateApiToken(input.name, input.expires_at)
            secret, token = await api_tokens.create(actor, command)
            return CreateApiTokenPayload(token=secret, api_token=ApiTokenType.from_domain(token))

        return await mutation_payload(CreateApiTokenPayload, work)

    @strawberry.mutation(description="Revoke one of your API tokens.")
    async def revoke_api_token(
        self, info: Info[GraphQLContext, None], input: RevokeApiTokenInput
    ) -> RevokeApiTokenPayload:
        actor = await require_role(info, Role.VIEWER)
        api_tokens = info.context.services.api_tokens

        async def work() -> RevokeApiTokenPayload:
            command = RevokeApiToken(key(input.id, "ApiToken", noun="API token"))
            token = await api_tokens.revoke(actor, command)
            return RevokeApiTokenPayload(api_token=ApiTokenType.from_domain(token))

        return await mutation_payload(RevokeApiTokenPayload, work)

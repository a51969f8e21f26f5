"""The sign-in check in front of every tool: the gateway asks it about each request.

The answer names who is asking (passed on to the tool as `X-Machete-User` / `X-Machete-Role`),
or why the request may not pass: nobody is signed in, the user's role is below the tool's
access level, or there is no such tool.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from domain.auth.authenticator import Authenticator
from domain.errors import DomainError, ErrorCode, Unauthenticated
from domain.gateway.addresses import PublicAddresses
from domain.gateway.passes import ToolPass, ToolPasses, is_state
from domain.ports import UnitOfWorkFactory
from domain.tools.access_level import ToolAccess
from domain.tools.model import Tool
from domain.users.model import User


class Verdict(StrEnum):
    ALLOWED = "allowed"
    SIGN_IN = "sign_in"  # nobody (valid) is signed in
    FORBIDDEN = "forbidden"  # signed in, with too low a role
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class GateDecision:
    verdict: Verdict
    tool: Tool | None = None
    user: User | None = None


@dataclass(frozen=True)
class Caller:
    """The credentials a request to a tool host carries: a bearer token (scripts) or the
    host's pass cookie (browsers)."""

    bearer: str | None = None
    pass_cookie: str | None = None


class ToolGate:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        authenticator: Authenticator,
        passes: ToolPasses,
        addresses: PublicAddresses,
    ) -> None:
        self._uow = uow
        self._authenticator = authenticator
        self._passes = passes
        self._addresses = addresses

    @property
    def passes(self) -> ToolPasses:
        return self._passes

    async def check(self, tool_id: uuid.UUID, host: str, caller: Caller) -> GateDecision:
        async with self._uow(read_only=True) as uow:
            tool = await uow.tools.get(tool_id)
        if tool is None or tool.is_being_removed:
            return GateDecision(Verdict.NOT_FOUND)
        if tool.access is ToolAccess.PUBLIC and caller.bearer is None:
            return GateDecision(Verdict.ALLOWED, tool)
        user = await self._caller(caller, host)
        if user is None:
            return GateDecision(Verdict.SIGN_IN, tool)
        if not tool.access.admits(user):
            return GateDecision(Verdict.FORBIDDEN, tool, user)
        return GateDecision(Verdict.ALLOWED, tool, user)

    async def _caller(self, caller: Caller, host: str) -> User | None:
        try:
            if caller.bearer is not None:
                return await self._authenticator.authenticate(caller.bearer)
            found = self._passes.read(caller.pass_cookie, host) if caller.pass_cookie else None
            return await self._pass_holder(found) if found is not None else None
        except Unauthenticated:
            return None

    async def _pass_holder(self, found: ToolPass) -> User | None:
        async with self._uow(read_only=True) as uow:
            user = await uow.users.get(found.user_id)
            if user is None or not user.is_active:
                return None
            if not await uow.refresh_tokens.is_family_active(found.session_id):
                return None
        return user

    async def ticket_for(self, bearer: str, return_to: str, state: str) -> tuple[str, str]:
        """A signed-in dashboard user asks to open `return_to` (a tool's URL) for the sign-in
        the gateway started with `state`: the callback URL on the tool's host that signs the
        browser in there, and the tool's host."""
        user, credential = await self._authenticator.verify(bearer)
        if credential.session_id is None:
            raise Unauthenticated("Opening a tool needs a signed-in session, not an API token.")
        if not is_state(state):
            raise DomainError(
                "Open the tool again: this sign-in did not come from the gateway.",
                code=ErrorCode.INVALID_INPUT,
                field=("state",),
            )
        host, origin, path = await self._tool_origin(return_to)
        ticket = self._passes.ticket(user.id, credential.session_id, host, path, state)
        return f"{origin}/_machete/callback?ticket={ticket}", host

    async def _tool_origin(self, return_to: str) -> tuple[str, str, str]:
        """Only a tool's own URL may be returned to (never another site: no open redirect)."""
        refusal = DomainError(
            "Only a tool's address can be returned to.",
            code=ErrorCode.INVALID_INPUT,
            field=("return_to",),
        )
        # A browser reads `\` as `/` (`http://evil\@tool/` is evil's), and neither `\`,
        # white space nor control characters belong in a URL it sends: refused outright.
        if any(char == "\\" or ord(char) <= 0x20 or ord(char) == 0x7F for char in return_to):
            raise refusal
        try:
            parts = urlsplit(return_to)
            port = parts.port
        except ValueError:
            raise refusal from None
        host = (parts.hostname or "").lower()
        if (
            parts.scheme != self._addresses.scheme
            or "@" in parts.netloc
            or (port or self._addresses.default_port) != self._addresses.port
        ):
            raise refusal
        if not await self._is_tool_host(host):
            raise refusal
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if not path.startswith("/") or path.startswith("//"):
            raise refusal
        # Rebuilt from the checked host, never copied from the URL's authority.
        return host, self._addresses.origin_of(host), path

    async def _is_tool_host(self, host: str) -> bool:
        async with self._uow(read_only=True) as uow:
            tools = await uow.tools.all()
        return any(
            host in self._addresses.hosts_of(tool) for tool in tools if not tool.is_being_removed
        )

"""Who may open a tool through the gateway, and on which names: its access level (set by
maintainers) and its custom domains (set by admins). Each change is one transaction, then the
gateway is given the new route table (best effort: a gateway that is down gets it when back)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from domain.clock import Clock
from domain.errors import NotFound, ValidationFailed
from domain.gateway.addresses import PublicAddresses
from domain.gateway.sync import RouteSync
from domain.ports import UnitOfWork, UnitOfWorkFactory
from domain.tools import access
from domain.tools.access_level import ToolAccess
from domain.tools.custom_domains import domain_taken, normalized_domains
from domain.tools.model import Tool
from domain.users.model import User


class ToolExposure:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        routes: RouteSync,
        addresses: PublicAddresses,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._routes = routes
        self._addresses = addresses
        self._clock = clock

    async def set_access(self, actor: User, tool_id: uuid.UUID, level: ToolAccess) -> Tool:
        access.require_operator(actor)
        async with self._uow() as uow:
            tool = await locked(uow, tool_id)
            if tool.access is level:
                return tool
            before = tool.access
            tool.open_to(level, self._clock.now())
            await uow.tools.save(tool)
            await uow.audit.record(
                access.event(
                    actor,
                    "tool.access_set",
                    tool,
                    tool.updated_at,
                    access=level.value,
                    before=before.value,
                )
            )
            await uow.commit()
        await self._routes.try_apply()
        return tool

    async def set_domains(self, actor: User, tool_id: uuid.UUID, domains: Sequence[str]) -> Tool:
        """Replace the tool's custom domains (an empty list removes them all)."""
        access.require_admin(actor)
        wanted = normalized_domains(domains, self._addresses.base_domain)
        async with self._uow() as uow:
            tool = await locked(uow, tool_id)
            if tool.domains == wanted:
                return tool
            owners = await uow.tools.domain_owners(wanted)
            taken = [domain for domain, owner in sorted(owners.items()) if owner != tool.id]
            if taken:
                raise ValidationFailed([domain_taken(domain) for domain in taken])
            before = tool.domains
            tool.answer_on(wanted, self._clock.now())
            await uow.tools.save(tool)
            await uow.audit.record(
                access.event(
                    actor,
                    "tool.domains_set",
                    tool,
                    tool.updated_at,
                    domains=list(wanted),
                    before=list(before),
                )
            )
            await uow.commit()
        await self._routes.try_apply()
        return tool


async def locked(uow: UnitOfWork, tool_id: uuid.UUID) -> Tool:
    tool = await uow.tools.lock(tool_id)
    if tool is None:
        raise NotFound("No tool with this id.", field=("id",))
    return tool

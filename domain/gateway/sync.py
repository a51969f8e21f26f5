"""Keeping the gateway's routes equal to what the database says should be served."""

from __future__ import annotations

import asyncio
import logging

from domain.errors import DomainError
from domain.gateway.addresses import PublicAddresses
from domain.gateway.routes import RouteTable
from domain.ports import Gateway, UnitOfWorkFactory

logger = logging.getLogger(__name__)


class RouteSync:
    def __init__(
        self, uow: UnitOfWorkFactory, gateway: Gateway, addresses: PublicAddresses
    ) -> None:
        self._uow = uow
        self._gateway = gateway
        self._addresses = addresses
        # One apply at a time, so an older table never lands after a newer one.
        self._lock = asyncio.Lock()

    @property
    def gateway(self) -> Gateway:
        return self._gateway

    @property
    def addresses(self) -> PublicAddresses:
        return self._addresses

    async def table(self) -> RouteTable:
        async with self._uow(read_only=True) as uow:
            tools = await uow.tools.all()
        return RouteTable.of(tools, self._addresses)

    async def apply(self) -> RouteTable:
        """Read the routes and apply them; raises when the gateway cannot be reached."""
        async with self._lock:
            table = await self.table()
            await self._gateway.apply(table)
            return table

    async def try_apply(self) -> bool:
        """Best effort (after a state change): a gateway that is down gets the table again
        from the supervisor when it is back, and from every reconciler pass."""
        try:
            await self.apply()
        except DomainError as error:
            logger.warning("could not update the gateway's routes: %s", error.message)
            return False
        return True

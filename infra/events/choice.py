"""Which event bus this process uses: LISTEN/NOTIFY on PostgreSQL, in-process on SQLite."""

from __future__ import annotations

from typing import Protocol

from domain.ports.events import EventBus
from infra.events.in_process import InProcessEventBus
from infra.events.postgres import PostgresEventBus
from infra.settings import EventBusSetting, Settings


class LiveEventBus(EventBus, Protocol):
    """An event bus the process owns: started with the app, closed with it."""

    async def start(self) -> None: ...
    async def close(self) -> None: ...


def uses_postgres_bus(settings: Settings) -> bool:
    if settings.event_bus is EventBusSetting.AUTO:
        return settings.resolved_database_url.startswith("postgresql")
    return settings.event_bus is EventBusSetting.POSTGRES


def create_event_bus(settings: Settings) -> LiveEventBus:
    if uses_postgres_bus(settings):
        return PostgresEventBus(settings.resolved_database_url, settings.event_queue_size)
    return InProcessEventBus(settings.event_queue_size)

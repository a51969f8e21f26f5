"""Which event bus this process uses: LISTEN/NOTIFY on PostgreSQL, in-process on SQLite."""

from __future__ import annotations

from infra.events.in_process import InProcessEventBus
from infra.settings import EventBusSetting, Settings


def uses_postgres_bus(settings: Settings) -> bool:
    if settings.event_bus is EventBusSetting.AUTO:
        return settings.resolved_database_url.startswith("postgresql")
    return settings.event_bus is EventBusSetting.POSTGRES


def create_event_bus(settings: Settings) -> InProcessEventBus:
    return InProcessEventBus(settings.event_queue_size)

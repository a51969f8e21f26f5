"""One process at a time runs the tool monitor; another takes over when the leader goes."""

from __future__ import annotations

from infra.bootstrap import Application
from infra.db.engine import create_engine
from infra.db.leadership import ToolMonitorLeadership


async def test_only_one_process_leads_and_another_takes_over_when_it_goes(
    application: Application,
) -> None:
    other_engine = create_engine(application.settings.resolved_database_url)
    first = ToolMonitorLeadership(application.database, key=424242)
    second = ToolMonitorLeadership(other_engine, key=424242)
    try:
        assert await first.leads()
        assert await first.leads(), "the leader kept its lock"
        if application.database.dialect.name == "postgresql":
            assert not await second.leads()
        else:
            assert await second.leads(), "SQLite is one process: it always leads"
        await first.close()
        assert await second.leads()
    finally:
        await first.close()
        await second.close()
        await other_engine.dispose()

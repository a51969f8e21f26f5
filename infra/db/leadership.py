"""Which process keeps tools running when several share one PostgreSQL database.

The tool monitor (reconciler and health checks) must run in one process at a time, or two
would restart the same container at once. On PostgreSQL the leader holds a session-level
advisory lock on a connection of its own: if the process or that connection dies, the lock is
released and another process takes over at its next round. SQLite means one process: it leads.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

logger = logging.getLogger(__name__)
TOOL_MONITOR_LOCK = 0x6D616368  # "mach": one key for MACHETE's tool monitor


class ToolMonitorLeadership:
    def __init__(self, engine: AsyncEngine, key: int = TOOL_MONITOR_LOCK) -> None:
        self._engine = engine
        self._key = key
        self._connection: AsyncConnection | None = None

    async def leads(self) -> bool:
        """Whether this process should run the monitor's next round."""
        if self._engine.dialect.name != "postgresql":
            return True
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT 1"))
                return True
            except Exception:
                logger.warning("lost the tool monitor's lock connection; trying again")
                await self._drop()
        try:
            connection = await self._engine.connect()
            acquired = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            )
        except Exception:
            logger.warning("could not ask for the tool monitor's lock", exc_info=True)
            return False
        if not acquired:
            await connection.close()
            return False
        # Commit the implicit transaction: the session-level lock outlives it, and the
        # connection does not sit "idle in transaction".
        await connection.commit()
        self._connection = connection
        logger.info("this process now runs the tool monitor")
        return True

    async def close(self) -> None:
        await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            # Invalidated, not returned to the pool: a pooled session would keep the lock.
            await connection.invalidate()
            await connection.close()
        except Exception:
            logger.debug("closing the tool monitor's lock connection failed", exc_info=True)

"""Every table, imported here so that `Base.metadata` is complete for Alembic."""

from infra.db.rows.audit import AuditEventRow
from infra.db.rows.base import Base
from infra.db.rows.builds import BuildLogLineRow, BuildRow
from infra.db.rows.health import HealthCheckRow
from infra.db.rows.tokens import ApiTokenRow, RefreshTokenRow, TokenFamilyRow
from infra.db.rows.tools import ToolDomainRow, ToolRow, ToolSecretRow
from infra.db.rows.users import UserRow

__all__ = [
    "ApiTokenRow",
    "AuditEventRow",
    "Base",
    "BuildLogLineRow",
    "BuildRow",
    "HealthCheckRow",
    "RefreshTokenRow",
    "TokenFamilyRow",
    "ToolDomainRow",
    "ToolRow",
    "ToolSecretRow",
    "UserRow",
]

"""Who may operate tools, and the audit record of what they did."""

from __future__ import annotations

from datetime import datetime

from domain.audit.model import AuditEvent
from domain.errors import Forbidden
from domain.tools.model import Tool
from domain.users.model import Role, User


def require_operator(actor: User) -> None:
    if not actor.has_role(Role.MAINTAINER):
        raise Forbidden("Operating tools needs the MAINTAINER or ADMIN role.")


def require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise Forbidden("Only an admin can change a tool's custom domains.")


def event(actor: User, action: str, tool: Tool, now: datetime, **detail: object) -> AuditEvent:
    return AuditEvent(
        action=action,
        occurred_at=now,
        actor_id=actor.id,
        target_type="Tool",
        target_id=str(tool.id),
        detail={"name": tool.name, **detail},
    )

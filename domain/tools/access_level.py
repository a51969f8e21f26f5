"""Who may open a tool through the gateway: its access level, checked on every request."""

from __future__ import annotations

from enum import StrEnum

from domain.users.model import Role, User


class ToolAccess(StrEnum):
    PUBLIC = "PUBLIC"  # anyone who can reach the gateway, signed in or not
    VIEWER = "VIEWER"
    MAINTAINER = "MAINTAINER"
    ADMIN = "ADMIN"

    @property
    def required_role(self) -> Role | None:
        """The least role that opens the tool; None when no sign-in is needed."""
        return None if self is ToolAccess.PUBLIC else Role(self.value)

    def admits(self, user: User | None) -> bool:
        required = self.required_role
        if required is None:
            return True
        return user is not None and user.is_active and user.has_role(required)


DEFAULT_TOOL_ACCESS = ToolAccess.VIEWER

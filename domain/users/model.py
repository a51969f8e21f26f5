"""Users and their roles."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.entity import Entity
from domain.events import AccountChanged


class Role(StrEnum):
    ADMIN = "ADMIN"
    MAINTAINER = "MAINTAINER"
    VIEWER = "VIEWER"

    @property
    def rank(self) -> int:
        return {Role.VIEWER: 1, Role.MAINTAINER: 2, Role.ADMIN: 3}[self]

    def includes(self, other: Role) -> bool:
        """True when this role may do everything `other` may do."""
        return self.rank >= other.rank


@dataclass
class User(Entity):
    username: str
    email: str
    password_hash: str
    role: Role
    created_at: datetime
    updated_at: datetime
    is_active: bool = True
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def change(
        self,
        now: datetime,
        *,
        role: Role | None = None,
        is_active: bool | None = None,
        password_hash: str | None = None,
    ) -> None:
        """An admin's (or, for the password, the user's own) change of the account."""
        if role is not None:
            self.role = role
        if is_active is not None:
            self.is_active = is_active
        if password_hash is not None:
            self.password_hash = password_hash
        self.updated_at = now
        self._record(AccountChanged(self.id))

    def has_role(self, role: Role) -> bool:
        return self.is_active and self.role.includes(role)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

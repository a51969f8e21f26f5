from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.users.model import Role, User
from infra.db.rows.base import Base
from infra.db.types import UtcDateTime


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_users_created_at_id", "created_at", "id"),)

    @classmethod
    def from_domain(cls, user: User) -> UserRow:
        row = cls(id=user.id)
        row.update_from(user)
        return row

    def update_from(self, user: User) -> None:
        self.username = user.username
        self.email = user.email
        self.password_hash = user.password_hash
        self.role = user.role.value
        self.is_active = user.is_active
        self.created_at = user.created_at
        self.updated_at = user.updated_at

    def to_domain(self) -> User:
        return User(
            id=self.id,
            username=self.username,
            email=self.email,
            password_hash=self.password_hash,
            role=Role(self.role),
            is_active=self.is_active,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )

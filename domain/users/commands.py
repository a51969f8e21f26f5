"""Inputs of the user use cases, already free of any transport detail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from domain.users.model import Role


@dataclass(frozen=True)
class CreateUser:
    username: str
    email: str
    password: str
    role: Role = Role.VIEWER


@dataclass(frozen=True)
class UpdateUser:
    user_id: uuid.UUID
    role: Role | None = None
    is_active: bool | None = None
    password: str | None = None
    current_password: str | None = None

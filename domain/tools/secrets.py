"""A tool's secrets: stored encrypted, injected into its container as variables."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

REPO_URL_SECRET = "machete.repo_url"
"""A credential-bearing repository URL is kept encrypted under this (non-variable) name."""


@dataclass(frozen=True)
class ToolSecret:
    tool_id: uuid.UUID
    name: str
    ciphertext: bytes
    updated_at: datetime

    @property
    def is_variable(self) -> bool:
        """Injected into the container's environment (internal secrets are not)."""
        return self.name != REPO_URL_SECRET

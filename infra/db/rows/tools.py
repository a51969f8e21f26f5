from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.tools.access_level import DEFAULT_TOOL_ACCESS, ToolAccess
from domain.tools.custom_domains import MAX_DOMAIN_LENGTH
from domain.tools.model import Tool
from domain.tools.secrets import ToolSecret
from domain.tools.status import DesiredState, ToolStatus
from infra.db.rows.base import Base
from infra.db.types import UtcDateTime


class ToolRow(Base):
    """A tool: its source, its desired state, and what the reconciler last saw."""

    __tablename__ = "tools"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(63), unique=True)
    repo_url: Mapped[str] = mapped_column(Text)
    ref: Mapped[str | None] = mapped_column(String(255))
    subdir: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    desired_state: Mapped[str] = mapped_column(String(16))
    commit_sha: Mapped[str | None] = mapped_column(String(64))
    # The build whose image should be running; a plain id to avoid a tools<->builds FK cycle.
    current_build_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    host_port: Mapped[int | None] = mapped_column(Integer, unique=True)
    manifest: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    environment: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Who may open it through the gateway (a ToolAccess).
    access: Mapped[str] = mapped_column(String(16), server_default=DEFAULT_TOOL_ACCESS.value)
    # Loaded with every tool read (one more statement per query, whatever the number of rows).
    domain_rows: Mapped[list[ToolDomainRow]] = relationship(
        lazy="selectin",
        order_by="ToolDomainRow.domain",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (Index("ix_tools_created_at_id", "created_at", "id"),)

    @classmethod
    def from_domain(cls, tool: Tool) -> ToolRow:
        row = cls(id=tool.id)
        row.update_from(tool)
        return row

    def update_from(self, tool: Tool) -> None:
        self.name = tool.name
        self.repo_url = tool.repo_url
        self.ref = tool.ref
        self.subdir = tool.subdir
        self.description = tool.description
        self.category = tool.category
        self.status = tool.status.value
        self.desired_state = tool.desired_state.value
        self.commit_sha = tool.commit_sha
        self.current_build_id = tool.current_build_id
        self.host_port = tool.host_port
        self.manifest = tool.manifest
        self.environment = dict(tool.environment)
        self.created_by_id = tool.created_by_id
        self.created_at = tool.created_at
        self.updated_at = tool.updated_at
        self.access = tool.access.value
        self._keep_domains(tool.domains)

    def _keep_domains(self, domains: tuple[str, ...]) -> None:
        # Rows of domains the tool keeps stay as they are: only what changed is written.
        kept = [row for row in self.domain_rows if row.domain in domains]
        stored = {row.domain for row in kept}
        added = [ToolDomainRow(domain=domain) for domain in domains if domain not in stored]
        if len(kept) != len(self.domain_rows) or added:
            self.domain_rows = kept + added

    def to_domain(self) -> Tool:
        return Tool(
            id=self.id,
            name=self.name,
            repo_url=self.repo_url,
            ref=self.ref,
            subdir=self.subdir,
            host_port=self.host_port or 0,
            description=self.description,
            category=self.category,
            status=ToolStatus(self.status),
            desired_state=DesiredState(self.desired_state),
            commit_sha=self.commit_sha,
            current_build_id=self.current_build_id,
            manifest=self.manifest,
            environment=dict(self.environment or {}),
            created_by_id=self.created_by_id,
            created_at=self.created_at,
            updated_at=self.updated_at,
            access=ToolAccess(self.access),
            domains=tuple(row.domain for row in self.domain_rows),
        )


class ToolDomainRow(Base):
    """A custom domain of a tool: the key, so that no two tools ever answer on one name."""

    __tablename__ = "tool_domains"

    domain: Mapped[str] = mapped_column(String(MAX_DOMAIN_LENGTH), primary_key=True)
    tool_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tools.id", ondelete="CASCADE"), index=True
    )


class ToolSecretRow(Base):
    """A secret environment value, encrypted at rest and never readable through the API."""

    __tablename__ = "tool_secrets"

    tool_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tools.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_domain(self) -> ToolSecret:
        return ToolSecret(self.tool_id, self.name, self.ciphertext, self.updated_at)

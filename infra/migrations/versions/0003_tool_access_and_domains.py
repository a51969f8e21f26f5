"""tool access levels and custom domains

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tools installed before there was a gateway open to every signed-in user (VIEWER).
    with op.batch_alter_table("tools", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("access", sa.String(length=16), server_default="VIEWER", nullable=False)
        )

    op.create_table(
        "tool_domains",
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("tool_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tool_id"],
            ["tools.id"],
            name=op.f("fk_tool_domains_tool_id_tools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_tool_domains")),
    )
    with op.batch_alter_table("tool_domains", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tool_domains_tool_id"), ["tool_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tool_domains", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tool_domains_tool_id"))

    op.drop_table("tool_domains")

    with op.batch_alter_table("tools", schema=None) as batch_op:
        batch_op.drop_column("access")

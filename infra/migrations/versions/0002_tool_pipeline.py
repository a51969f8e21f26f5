"""tool pipeline

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("builds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("manifest", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("cancel_requested_at", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("tools", schema=None) as batch_op:
        batch_op.create_index("ix_tools_created_at_id", ["created_at", "id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("tools", schema=None) as batch_op:
        batch_op.drop_index("ix_tools_created_at_id")

    with op.batch_alter_table("builds", schema=None) as batch_op:
        batch_op.drop_column("cancel_requested_at")
        batch_op.drop_column("manifest")

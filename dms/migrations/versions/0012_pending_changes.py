"""Changes to a published document's public text wait for the PPID Utama.

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from dms.db import UTCDateTime

revision = "0012"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("pending_changes", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("pending_changes_by_id", sa.Integer(), nullable=True)
        )
        batch.add_column(sa.Column("pending_changes_at", UTCDateTime(), nullable=True))
        batch.create_foreign_key(
            "fk_documents_pending_changes_by_id_users",
            "users",
            ["pending_changes_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint(
            "fk_documents_pending_changes_by_id_users", type_="foreignkey"
        )
        batch.drop_column("pending_changes_at")
        batch.drop_column("pending_changes_by_id")
        batch.drop_column("pending_changes")

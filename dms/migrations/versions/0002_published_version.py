"""Track which version is approved for the public, apart from the newest one.

A Pelaksana's new version of a published document waits for the PPID Utama;
until then the public keeps seeing the version that was approved.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(
            sa.Column(
                "published_version", sa.Integer(), nullable=False, server_default="0"
            )
        )
    op.execute(
        "UPDATE documents SET published_version = current_version "
        "WHERE status = 'published'"
    )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("published_version")

"""When a document last changed for the search index, so that every host's index
can catch up from the database.

Several web servers may each keep their own index folder; the worker on each host
re-reads the documents changed since its last sync (``index_changed_at``) and
masks the ones hidden meanwhile. Existing documents have no time: a host without
a sync mark compares every document once.

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from dms.db import UTCDateTime

revision = "0013"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("index_changed_at", UTCDateTime(), nullable=True))
    op.create_index("ix_documents_index_changed_at", "documents", ["index_changed_at"])


def downgrade() -> None:
    op.drop_index("ix_documents_index_changed_at", table_name="documents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("index_changed_at")

"""Record text extraction per version, keep the extracted text, track index lag.

The extracted text is kept so that the search index can be rebuilt from the
database alone (OCR of a scan takes seconds per page). Documents carry an index
revision that every change bumps and that the indexing job acknowledges; the two
differ while the index lags behind, which a partial index keeps cheap to find.
Existing documents start as not yet indexed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from dms.db import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PENDING = sa.text("index_revision <> indexed_revision")


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(
            sa.Column("index_revision", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column(
                "indexed_revision", sa.Integer(), nullable=False, server_default="0"
            )
        )
    op.execute("UPDATE documents SET index_revision = 1")
    op.create_index(
        "ix_documents_index_pending",
        "documents",
        ["id"],
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )
    with op.batch_alter_table("document_versions") as batch:
        batch.add_column(
            sa.Column(
                "text_status",
                sa.String(20),
                nullable=False,
                server_default="pending",
            )
        )
        batch.add_column(
            sa.Column("text_reason", sa.Text(), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("text_pages", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("text_characters", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column(
                "text_extractors", sa.String(255), nullable=False, server_default=""
            )
        )
        batch.add_column(sa.Column("text_seconds", sa.Float(), nullable=True))
        batch.add_column(sa.Column("text_extracted_at", UTCDateTime(), nullable=True))
        batch.create_check_constraint(
            "text_status",
            "text_status IN ('pending', 'ok', 'empty', 'extraction_failed')",
        )
    op.create_table(
        "version_texts",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_version_texts_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_version_texts")),
    )


def downgrade() -> None:
    op.drop_table("version_texts")
    with op.batch_alter_table("document_versions") as batch:
        batch.drop_constraint("ck_document_versions_text_status", type_="check")
        for name in (
            "text_extracted_at",
            "text_seconds",
            "text_extractors",
            "text_characters",
            "text_pages",
            "text_reason",
            "text_status",
        ):
            batch.drop_column(name)
    op.drop_index("ix_documents_index_pending", table_name="documents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("indexed_revision")
        batch.drop_column("index_revision")

"""What the archive holds is what it serves: damaged blobs are marked (per blob,
several versions may share one), extraction may be partial (pages read so far),
and an upload may carry a warning (an encrypted PDF).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from dms.db import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

OLD_TEXT_STATUSES = ("pending", "ok", "empty", "extraction_failed")
NEW_TEXT_STATUSES = (*OLD_TEXT_STATUSES, "partial")
BLOB_PROBLEMS = ("missing", "size", "checksum")


def _check(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "damaged_blobs",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("problem", sa.String(20), nullable=False),
        sa.Column("found_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            _check("problem", BLOB_PROBLEMS), name=op.f("ck_damaged_blobs_problem")
        ),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_damaged_blobs")),
    )
    with op.batch_alter_table("document_versions") as batch:
        batch.add_column(sa.Column("text_pages_done", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("upload_warning", sa.Text(), nullable=False, server_default="")
        )
        batch.drop_constraint("text_status", type_="check")
        batch.create_check_constraint(
            "text_status", _check("text_status", NEW_TEXT_STATUSES)
        )


def downgrade() -> None:
    op.execute(
        "UPDATE document_versions SET text_status = 'pending' "
        "WHERE text_status = 'partial'"
    )
    with op.batch_alter_table("document_versions") as batch:
        batch.drop_constraint("text_status", type_="check")
        batch.create_check_constraint(
            "text_status", _check("text_status", OLD_TEXT_STATUSES)
        )
        batch.drop_column("upload_warning")
        batch.drop_column("text_pages_done")
    op.drop_table("damaged_blobs")

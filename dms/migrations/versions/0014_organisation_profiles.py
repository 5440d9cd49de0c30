"""Organisation profiles: the contact details, PPID structure, service standard
and dispute procedure every OPD's PPID page shows.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from dms.db import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation_profiles",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(64), nullable=False),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("website", sa.String(255), nullable=False),
        sa.Column("service_hours", sa.Text(), nullable=False),
        sa.Column("sk_ppid_document_id", sa.Integer(), nullable=True),
        sa.Column("officers", sa.JSON(), nullable=False),
        sa.Column("maklumat", sa.Text(), nullable=False),
        sa.Column("service_standard", sa.Text(), nullable=False),
        sa.Column("fees", sa.Text(), nullable=False),
        sa.Column("sop_document_ids", sa.JSON(), nullable=False),
        sa.Column("dispute_procedure", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_profiles_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["sk_ppid_document_id"],
            ["documents.id"],
            name=op.f("fk_organisation_profiles_sk_ppid_document_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_organisation_profiles_updated_by_id_users"),
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", name=op.f("pk_organisation_profiles")
        ),
    )


def downgrade() -> None:
    op.drop_table("organisation_profiles")

"""The OPD a requester addressed a request to on the public form: a hint for the
PPID Utama's disposition, not a disposition.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_information_requests_hinted_organisation_id_organisations"


def upgrade() -> None:
    with op.batch_alter_table("information_requests") as batch:
        batch.add_column(
            sa.Column("hinted_organisation_id", sa.Integer(), nullable=True)
        )
        batch.create_foreign_key(
            batch.f(FOREIGN_KEY),
            "organisations",
            ["hinted_organisation_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("information_requests") as batch:
        batch.drop_constraint(batch.f(FOREIGN_KEY), type_="foreignkey")
        batch.drop_column("hinted_organisation_id")

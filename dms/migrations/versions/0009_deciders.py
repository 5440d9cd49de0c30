"""Deciders see what they decide: the official who signs a penetapan carries
a NIP and a position (jabatan); an objection may name several Ps. 35 grounds,
and the atasan PPID is reminded of open objections once a day.

Revision ID: 0009
Revises: 0011
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("nip", sa.String(32), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("position", sa.String(255), nullable=False, server_default="")
        )
    with op.batch_alter_table("objections") as batch:
        batch.add_column(
            sa.Column("grounds", sa.String(7), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("reminded_on", sa.Date(), nullable=True))
    op.execute("UPDATE objections SET grounds = ground")


def downgrade() -> None:
    with op.batch_alter_table("objections") as batch:
        batch.drop_column("reminded_on")
        batch.drop_column("grounds")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("position")
        batch.drop_column("nip")

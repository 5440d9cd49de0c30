"""Logins: a session generation per user (server-side logout) and an expiry
for every API token; the request form's answered spam challenges (one
submission per challenge).

Tokens issued before this migration expire 90 days after it runs (the default
DMS_TOKEN_DAYS), so nobody is locked out the moment the upgrade lands.

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-03
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

from dms.db import UTCDateTime, utcnow

revision = "0011"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column(
                "session_generation", sa.Integer(), nullable=False, server_default="0"
            )
        )
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", UTCDateTime(), nullable=True))
    tokens = sa.table("api_tokens", sa.column("expires_at", UTCDateTime()))
    op.execute(tokens.update().values(expires_at=utcnow() + timedelta(days=90)))
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("expires_at", existing_type=UTCDateTime(), nullable=False)
    op.create_table(
        "used_challenges",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_used_challenges")),
    )
    op.create_index(
        op.f("ix_used_challenges_expires_at"), "used_challenges", ["expires_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_used_challenges_expires_at"), table_name="used_challenges")
    op.drop_table("used_challenges")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_generation")

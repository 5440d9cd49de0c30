"""Requests for information (permohonan) and their identity and proxy files.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

from dms.db import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CHANNELS = ("web", "walk_in", "letter", "phone", "email")
REQUESTER_KINDS = ("person", "legal_entity")
HOW_TO_OBTAIN = ("see", "read", "listen", "note", "copy_soft", "copy_hard")
DELIVERIES = ("collect", "post", "courier", "email")
STATES = ("submitted", "disposed", "extended", "answered", "closed", "withdrawn")
FILE_KINDS = ("identity", "proxy_letter")


def _check(column: str, values: tuple[str, ...], nullable: bool = False) -> str:
    clause = f"{column} IN ({', '.join(repr(v) for v in values)})"
    return f"{column} IS NULL OR {clause}" if nullable else clause


def _text(name: str, length: int | None = None) -> sa.Column:
    kind = sa.String(length) if length else sa.Text()
    return sa.Column(name, kind, nullable=False)


def upgrade() -> None:
    op.create_table(
        "information_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("number", 32),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        _text("channel", 16),
        _text("requester_kind", 16),
        _text("name", 200),
        _text("identity_number", 64),
        _text("address"),
        _text("occupation", 100),
        _text("phone", 32),
        _text("email", 254),
        _text("information_requested"),
        _text("purpose"),
        _text("how_to_obtain", 16),
        sa.Column("delivery", sa.String(16), nullable=True),
        sa.Column("proxy", sa.Boolean(), nullable=False),
        _text("state", 16),
        _text("secret_hash", 64),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            _check("channel", CHANNELS), name=op.f("ck_information_requests_channel")
        ),
        sa.CheckConstraint(
            _check("requester_kind", REQUESTER_KINDS),
            name=op.f("ck_information_requests_kind"),
        ),
        sa.CheckConstraint(
            _check("how_to_obtain", HOW_TO_OBTAIN),
            name=op.f("ck_information_requests_how"),
        ),
        sa.CheckConstraint(
            _check("delivery", DELIVERIES, nullable=True),
            name=op.f("ck_information_requests_delivery"),
        ),
        sa.CheckConstraint(
            _check("state", STATES), name=op.f("ck_information_requests_state")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["users.id"],
            name=op.f("fk_information_requests_entered_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_information_requests")),
        sa.UniqueConstraint("number", name=op.f("uq_information_requests_number")),
    )
    op.create_table(
        "request_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        _text("kind", 16),
        _text("blob_sha256", 64),
        sa.Column("size", sa.BigInteger(), nullable=False),
        _text("content_type", 255),
        _text("filename", 255),
        sa.CheckConstraint(
            _check("kind", FILE_KINDS), name=op.f("ck_request_files_kind")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["information_requests.id"],
            name=op.f("fk_request_files_request_id_information_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_files")),
    )
    op.create_index(
        op.f("ix_request_files_request_id"), "request_files", ["request_id"]
    )
    op.create_index(
        op.f("ix_request_files_blob_sha256"), "request_files", ["blob_sha256"]
    )


def downgrade() -> None:
    op.drop_table("request_files")
    op.drop_table("information_requests")

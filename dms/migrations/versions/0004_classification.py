"""Classification under UU KIP: consequence tests, the working-day calendar,
yearly number sequences, and the per-category fields of documents (berkala refresh
period, serta merta event time and pin, the redacted public version's origin).

Existing berkala documents get the default refresh period of 6 months (Ps. 9(3))
and published serta merta announcements are pinned, as new ones will be.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from dms.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _check(column: str, values: tuple[str, ...], nullable: bool = False) -> str:
    clause = f"{column} IN ({', '.join(repr(v) for v in values)})"
    return f"{column} IS NULL OR {clause}" if nullable else clause


def upgrade() -> None:
    op.create_table(
        "sequences",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", "year", name=op.f("pk_sequences")),
    )
    _create_calendar()
    _create_consequence_tests()
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("refresh_months", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("event_at", UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column("pinned", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("redacted_from_id", sa.Integer(), nullable=True))
        batch.create_index(
            batch.f("ix_documents_redacted_from_id"), ["redacted_from_id"]
        )
        batch.create_foreign_key(
            batch.f("fk_documents_redacted_from_id_documents"),
            "documents",
            ["redacted_from_id"],
            ["id"],
        )
    op.execute("UPDATE documents SET refresh_months = 6 WHERE category = 'berkala'")
    op.execute(
        "UPDATE documents SET pinned = TRUE "
        "WHERE category = 'serta_merta' AND status = 'published'"
    )


def _create_calendar() -> None:
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seeded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_years")),
    )
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("day_off", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            _check("kind", ("national", "cuti_bersama", "other")),
            name=op.f("ck_calendar_days_kind"),
        ),
        sa.CheckConstraint(
            _check("source", ("holidays", "admin")),
            name=op.f("ck_calendar_days_source"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_calendar_days_updated_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_days")),
    )


def _user(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_consequence_tests_{column}_users")
    )


def _document(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["documents.id"],
        name=op.f(f"fk_consequence_tests_{column}_documents"),
    )


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=False)


def _time(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _create_consequence_tests() -> None:
    op.create_table(
        "consequence_tests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(40), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("category_before", sa.String(32), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        _time("proposed_at", nullable=False),
        _text("proposal_reason"),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        _time("recorded_at"),
        sa.Column("test_date", sa.Date(), nullable=True),
        sa.Column("place", sa.String(255), nullable=False),
        _text("specific_information"),
        _text("source_documents"),
        sa.Column("ground_letter", sa.String(1), nullable=True),
        sa.Column("ground_subitem", sa.String(64), nullable=False),
        sa.Column("other_statute", sa.String(500), nullable=False),
        _text("consequence_if_opened"),
        _text("consequence_if_closed"),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("period_kind", sa.String(16), nullable=True),
        sa.Column("period_value", sa.String(255), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("redacted_document_id", sa.Integer(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        _time("decided_at"),
        _text("decision_note"),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("subject_title", sa.String(500), nullable=False),
        sa.Column("subject_unit", sa.String(255), nullable=False),
        sa.Column("subject_body", sa.String(255), nullable=False),
        sa.Column("exemption_status", sa.String(16), nullable=True),
        _time("warned_at"),
        _time("ended_at"),
        sa.Column("end_authority", sa.String(32), nullable=False),
        sa.Column("end_reference", sa.String(255), nullable=False),
        sa.Column("end_decided_on", sa.Date(), nullable=True),
        _text("end_note"),
        _time("updated_at", nullable=False),
        sa.CheckConstraint(
            _check("decision", ("exempt_whole", "exempt_part", "not_exempt"), True),
            name=op.f("ck_consequence_tests_decision"),
        ),
        sa.CheckConstraint(
            _check(
                "exemption_status", ("active", "expired", "opened", "superseded"), True
            ),
            name=op.f("ck_consequence_tests_exemption_status"),
        ),
        sa.CheckConstraint(
            _check("ground_letter", tuple("abcdefghij"), True),
            name=op.f("ck_consequence_tests_ground_letter"),
        ),
        sa.CheckConstraint(
            _check("period_kind", ("date", "duration", "event", "indefinite"), True),
            name=op.f("ck_consequence_tests_period_kind"),
        ),
        sa.CheckConstraint(
            _check(
                "state", ("proposed", "recorded", "approved", "rejected", "cancelled")
            ),
            name=op.f("ck_consequence_tests_state"),
        ),
        _user("decided_by_id"),
        _document("document_id"),
        _user("proposed_by_id"),
        _user("recorded_by_id"),
        _document("redacted_document_id"),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["consequence_tests.id"],
            name=op.f("fk_consequence_tests_supersedes_id_consequence_tests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consequence_tests")),
        sa.UniqueConstraint("number", name=op.f("uq_consequence_tests_number")),
    )
    for column in ("document_id", "exemption_status", "expires_on", "state"):
        op.create_index(
            op.f(f"ix_consequence_tests_{column}"), "consequence_tests", [column]
        )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint(
            "fk_documents_redacted_from_id_documents", type_="foreignkey"
        )
        batch.drop_index("ix_documents_redacted_from_id")
        for name in ("redacted_from_id", "pinned", "event_at", "refresh_months"):
            batch.drop_column(name)
    op.drop_table("consequence_tests")
    op.drop_table("calendar_days")
    op.drop_table("calendar_years")
    op.drop_table("sequences")

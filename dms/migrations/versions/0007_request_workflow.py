"""The request workflow: disposition, extension, answer (outcome, linked documents,
attachments), objections, disputes at the Komisi Informasi with their hearings,
the email outbox, and for monitoring: daily download counts and the annual
report's prose drafts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from dms.db import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CHANNELS = ("web", "walk_in", "letter", "phone", "email")
OUTCOMES = (
    "granted",
    "granted_partly",
    *(f"refused_exempt_{letter}" for letter in "abcdefghij"),
    "not_held",
    "not_documented",
    "not_public_information",
)
GROUNDS = tuple("abcdefg")
OBJECTION_STATES = ("submitted", "decided", "withdrawn")
OBJECTION_DECISIONS = ("upheld", "upheld_partly", "rejected")
DISPUTE_STATES = ("filed", "hearing", "decided", "withdrawn")
DISPUTE_DECISIONS = ("granted", "granted_partly", "refused", "settled", "dismissed")
HEARING_KINDS = ("preliminary", "mediation", "adjudication", "verdict")


def _check(column: str, values: tuple[str, ...], nullable: bool = False) -> str:
    clause = f"{column} IN ({', '.join(repr(v) for v in values)})"
    return f"{column} IS NULL OR {clause}" if nullable else clause


def _col(name: str, kind, nullable: bool = False, **kw) -> sa.Column:
    return sa.Column(name, kind, nullable=nullable, **kw)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
    )


def _ck(table: str, name: str, column: str, values, nullable=False):
    return sa.CheckConstraint(
        _check(column, values, nullable), name=op.f(f"ck_{table}_{name}")
    )


def upgrade() -> None:
    with op.batch_alter_table("information_requests") as batch:
        batch.add_column(_col("subject", sa.String(200), server_default=""))
        batch.add_column(_col("extended_days", sa.Integer(), True))
        batch.add_column(_col("extension_reason", sa.Text(), server_default=""))
        batch.add_column(_col("extended_due_on", sa.Date(), True))
        batch.add_column(_col("extended_at", UTCDateTime(), True))
        batch.add_column(_col("outcome", sa.String(32), True))
        batch.add_column(_col("answer_text", sa.Text(), server_default=""))
        batch.add_column(_col("holder_name", sa.String(255), server_default=""))
        batch.add_column(_col("consequence_test_id", sa.Integer(), True))
        batch.add_column(_col("cost", sa.Integer(), server_default="0"))
        batch.add_column(_col("answered_at", UTCDateTime(), True))
        batch.add_column(_col("answered_by_id", sa.Integer(), True))
        batch.add_column(_col("closed_at", UTCDateTime(), True))
        batch.add_column(_col("withdrawn_at", UTCDateTime(), True))
        batch.add_column(_col("reminded_on", sa.Date(), True))
        batch.create_check_constraint(
            "outcome", _check("outcome", OUTCOMES, nullable=True)
        )
        batch.create_foreign_key(
            batch.f("fk_information_requests_consequence_test_id_consequence_tests"),
            "consequence_tests",
            ["consequence_test_id"],
            ["id"],
        )
        batch.create_foreign_key(
            batch.f("fk_information_requests_answered_by_id_users"),
            "users",
            ["answered_by_id"],
            ["id"],
        )

    t = "request_dispositions"
    op.create_table(
        t,
        _col("id", sa.Integer()),
        _col("request_id", sa.Integer()),
        _col("organisation_id", sa.Integer()),
        _col("note", sa.Text()),
        _col("disposed_at", UTCDateTime()),
        _col("disposed_by_id", sa.Integer(), True),
        _fk(t, "request_id", "information_requests"),
        _fk(t, "organisation_id", "organisations"),
        _fk(t, "disposed_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint(
            "request_id", "organisation_id", name=op.f(f"uq_{t}_request_id_organisation_id")
        ),
    )
    op.create_index(op.f(f"ix_{t}_request_id"), t, ["request_id"])
    op.create_index(op.f(f"ix_{t}_organisation_id"), t, ["organisation_id"])

    t = "request_attachments"
    op.create_table(
        t,
        _col("id", sa.Integer()),
        _col("request_id", sa.Integer()),
        _col("blob_sha256", sa.String(64)),
        _col("size", sa.BigInteger()),
        _col("content_type", sa.String(255)),
        _col("filename", sa.String(255)),
        _col("uploaded_by_id", sa.Integer(), True),
        _col("created_at", UTCDateTime()),
        _fk(t, "request_id", "information_requests"),
        _fk(t, "uploaded_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_request_id"), t, ["request_id"])
    op.create_index(op.f(f"ix_{t}_blob_sha256"), t, ["blob_sha256"])

    t = "request_documents"
    op.create_table(
        t,
        _col("request_id", sa.Integer()),
        _col("document_id", sa.Integer()),
        _col("linked_at", UTCDateTime()),
        _col("linked_by_id", sa.Integer(), True),
        _fk(t, "request_id", "information_requests"),
        _fk(t, "document_id", "documents"),
        _fk(t, "linked_by_id", "users"),
        sa.PrimaryKeyConstraint("request_id", "document_id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_document_id"), t, ["document_id"])

    t = "objections"
    op.create_table(
        t,
        _col("id", sa.Integer()),
        _col("number", sa.String(32)),
        _col("year", sa.Integer()),
        _col("request_id", sa.Integer(), True),
        _col("ground", sa.String(1)),
        _col("reasons", sa.Text()),
        _col("received_at", UTCDateTime()),
        _col("channel", sa.String(16)),
        _col("name", sa.String(200)),
        _col("identity_number", sa.String(64)),
        _col("address", sa.Text()),
        _col("phone", sa.String(32)),
        _col("email", sa.String(254)),
        _col("secret_hash", sa.String(64)),
        _col("state", sa.String(16)),
        _col("due_on", sa.Date()),
        _col("decision", sa.String(16), True),
        _col("decision_text", sa.Text()),
        _col("decided_at", UTCDateTime(), True),
        _col("decided_by_id", sa.Integer(), True),
        _col("entered_by_id", sa.Integer(), True),
        _col("created_at", UTCDateTime()),
        _col("updated_at", UTCDateTime()),
        _ck(t, "ground", "ground", GROUNDS),
        _ck(t, "channel", "channel", CHANNELS),
        _ck(t, "state", "state", OBJECTION_STATES),
        _ck(t, "decision", "decision", OBJECTION_DECISIONS, True),
        _fk(t, "request_id", "information_requests"),
        _fk(t, "decided_by_id", "users"),
        _fk(t, "entered_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("number", name=op.f(f"uq_{t}_number")),
    )
    op.create_index(op.f(f"ix_{t}_request_id"), t, ["request_id"])

    t = "disputes"
    op.create_table(
        t,
        _col("id", sa.Integer()),
        _col("objection_id", sa.Integer()),
        _col("register_number", sa.String(64)),
        _col("filed_on", sa.Date()),
        _col("state", sa.String(16)),
        _col("decision", sa.String(16), True),
        _col("decision_number", sa.String(128)),
        _col("decided_on", sa.Date(), True),
        _col("decision_text", sa.Text()),
        _col("opened_document_id", sa.Integer(), True),
        _col("recorded_by_id", sa.Integer(), True),
        _col("created_at", UTCDateTime()),
        _col("updated_at", UTCDateTime()),
        _ck(t, "state", "state", DISPUTE_STATES),
        _ck(t, "decision", "decision", DISPUTE_DECISIONS, True),
        _fk(t, "objection_id", "objections"),
        _fk(t, "opened_document_id", "documents"),
        _fk(t, "recorded_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("register_number", name=op.f(f"uq_{t}_register_number")),
    )
    op.create_index(op.f(f"ix_{t}_objection_id"), t, ["objection_id"])

    t = "dispute_hearings"
    op.create_table(
        t,
        _col("id", sa.Integer()),
        _col("dispute_id", sa.Integer()),
        _col("held_on", sa.Date()),
        _col("kind", sa.String(16)),
        _col("note", sa.Text()),
        _col("recorded_by_id", sa.Integer(), True),
        _col("created_at", UTCDateTime()),
        _ck(t, "kind", "kind", HEARING_KINDS),
        _fk(t, "dispute_id", "disputes"),
        _fk(t, "recorded_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_dispute_id"), t, ["dispute_id"])

    t = "outbox_messages"
    op.create_table(
        t,
        _col("id", sa.Integer()),
        _col("recipient", sa.String(254)),
        _col("subject", sa.String(255)),
        _col("body", sa.Text()),
        _col("topic", sa.String(128)),
        _col("created_at", UTCDateTime()),
        _col("sent_at", UTCDateTime(), True),
        _col("attempts", sa.Integer()),
        _col("last_error", sa.Text()),
        _col("next_attempt_at", UTCDateTime(), True),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_sent_at"), t, ["sent_at"])

    t = "download_counts"
    op.create_table(
        t,
        _col("document_id", sa.Integer()),
        _col("day", sa.Date()),
        _col("count", sa.Integer()),
        _fk(t, "document_id", "documents"),
        sa.PrimaryKeyConstraint("document_id", "day", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_day"), t, ["day"])

    t = "report_sections"
    op.create_table(
        t,
        _col("year", sa.Integer(), autoincrement=False),
        _col("section", sa.String(32)),
        _col("body", sa.Text()),
        _col("updated_at", UTCDateTime()),
        _col("updated_by_id", sa.Integer(), True),
        _fk(t, "updated_by_id", "users"),
        sa.PrimaryKeyConstraint("year", "section", name=op.f(f"pk_{t}")),
    )


def downgrade() -> None:
    for table in (
        "report_sections",
        "download_counts",
        "outbox_messages",
        "dispute_hearings",
        "disputes",
        "objections",
        "request_documents",
        "request_attachments",
        "request_dispositions",
    ):
        op.drop_table(table)
    with op.batch_alter_table("information_requests") as batch:
        batch.drop_constraint("ck_information_requests_outcome", type_="check")
        batch.drop_constraint(
            "fk_information_requests_consequence_test_id_consequence_tests",
            type_="foreignkey",
        )
        batch.drop_constraint(
            "fk_information_requests_answered_by_id_users", type_="foreignkey"
        )
        for column in (
            "subject",
            "extended_days",
            "extension_reason",
            "extended_due_on",
            "extended_at",
            "outcome",
            "answer_text",
            "holder_name",
            "consequence_test_id",
            "cost",
            "answered_at",
            "answered_by_id",
            "closed_at",
            "withdrawn_at",
            "reminded_on",
        ):
            batch.drop_column(column)

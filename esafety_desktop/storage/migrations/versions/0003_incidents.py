"""Incidents: the case, the people in it, its append-only chronology, and wizard drafts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("incident_type", sa.String(40), nullable=True),
        sa.Column("branch", sa.String(12), nullable=True),
        sa.Column("category", sa.String(12), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("child_words", sa.Text(), nullable=False),
        sa.Column("location", sa.String(12), nullable=True),
        sa.Column("online_service", sa.String(200), nullable=True),
        sa.Column("reported_by", sa.String(200), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=True),
        sa.Column("concerns_account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=True),
        sa.Column("routed_to", sa.String(40), nullable=True),
        sa.Column("misuse_category", sa.String(8), nullable=True),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_incident_status", "incident", ["status"])
    op.create_index("ix_incident_incident_type", "incident", ["incident_type"])
    op.create_table(
        "incident_person",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("role", sa.String(24), nullable=False),
        sa.UniqueConstraint("incident_id", "person_id", "role", name="uq_incident_person"),
    )
    op.create_index("ix_incident_person_incident_id", "incident_person", ["incident_id"])
    op.create_index("ix_incident_person_person_id", "incident_person", ["person_id"])
    op.create_table(
        "incident_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("step_id", sa.String(60), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("choice", sa.String(300), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("done_by", sa.String(200), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("reference_kind", sa.String(24), nullable=True),
        sa.Column("reference_value", sa.String(100), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), sa.ForeignKey("incident_entry.id"), nullable=True),
    )
    op.create_index("ix_incident_entry_incident_id", "incident_entry", ["incident_id"])
    op.create_table(
        "incident_draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_incident_draft_account_id", "incident_draft", ["account_id"])
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("url", sa.String(2000), nullable=True),
        sa.Column("held_where", sa.String(200), nullable=True),
        sa.Column("held_by", sa.String(200), nullable=True),
        sa.Column("file_name", sa.String(300), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_evidence_incident_id", "evidence", ["incident_id"])
    op.execute(
        "CREATE TRIGGER evidence_no_change BEFORE UPDATE ON evidence "
        "BEGIN SELECT RAISE(ABORT, 'evidence entries are never changed'); END"
    )
    op.execute(
        "CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence "
        "BEGIN SELECT RAISE(ABORT, 'evidence entries are never removed'); END"
    )
    op.create_table(
        "incident_action",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_incident_action_incident_id", "incident_action", ["incident_id"])
    op.create_table(
        "device_review",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_device_review_incident_id", "device_review", ["incident_id"])
    # Full-text search over each case (its facts, people and chronology), inside the encrypted
    # database; rowid is the incident's id. Kept up to date by the incident services.
    op.execute("CREATE VIRTUAL TABLE incident_search USING fts5(body, tokenize = 'unicode61')")
    # Saved text is never overwritten or removed: corrections are new entries.
    op.execute(
        "CREATE TRIGGER incident_entry_no_update BEFORE UPDATE ON incident_entry "
        "BEGIN SELECT RAISE(ABORT, 'chronology entries are never changed'); END"
    )
    op.execute(
        "CREATE TRIGGER incident_entry_no_delete BEFORE DELETE ON incident_entry "
        "BEGIN SELECT RAISE(ABORT, 'chronology entries are never removed'); END"
    )
    op.execute(
        "CREATE TRIGGER incident_no_delete BEFORE DELETE ON incident "
        "BEGIN SELECT RAISE(ABORT, 'incidents are closed, never deleted'); END"
    )


def downgrade() -> None:
    op.drop_index("ix_device_review_incident_id", "device_review")
    op.drop_table("device_review")
    op.drop_index("ix_incident_action_incident_id", "incident_action")
    op.drop_table("incident_action")
    op.execute("DROP TRIGGER evidence_no_delete")
    op.execute("DROP TRIGGER evidence_no_change")
    op.drop_index("ix_evidence_incident_id", "evidence")
    op.drop_table("evidence")
    op.execute("DROP TABLE incident_search")
    op.execute("DROP TRIGGER incident_no_delete")
    op.execute("DROP TRIGGER incident_entry_no_delete")
    op.execute("DROP TRIGGER incident_entry_no_update")
    op.drop_index("ix_incident_draft_account_id", "incident_draft")
    op.drop_table("incident_draft")
    op.drop_index("ix_incident_entry_incident_id", "incident_entry")
    op.drop_table("incident_entry")
    op.drop_index("ix_incident_person_person_id", "incident_person")
    op.drop_index("ix_incident_person_incident_id", "incident_person")
    op.drop_table("incident_person")
    op.drop_index("ix_incident_incident_type", "incident")
    op.drop_index("ix_incident_status", "incident")
    op.drop_table("incident")

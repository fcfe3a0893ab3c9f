"""Acceptable Use Agreements: each audience's versions, and who signed which.

Signatures are never changed or removed: a correction is a new row that replaces the one it
corrects (or withdraws it, when it was recorded in error), with who, when and why.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aup_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("audience", sa.String(24), nullable=False, index=True),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pdf_name", sa.String(200), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("audience", "label", name="uq_aup_version_label"),
    )
    op.create_table(
        "aup_signature",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("aup_version.id"), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("parent_signed", sa.Boolean(), nullable=False),
        sa.Column("laptop", sa.String(40), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("recorded_by_name", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), sa.ForeignKey("aup_signature.id"), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
    )
    op.create_index("ix_aup_signature_person_id", "aup_signature", ["person_id"])
    op.create_index("ix_aup_signature_version_id", "aup_signature", ["version_id"])
    op.execute(
        "CREATE TRIGGER aup_signature_no_update BEFORE UPDATE ON aup_signature "
        "BEGIN SELECT RAISE(ABORT, 'signatures are never changed: record a correction'); END"
    )
    op.execute(
        "CREATE TRIGGER aup_signature_no_delete BEFORE DELETE ON aup_signature "
        "BEGIN SELECT RAISE(ABORT, 'signatures are never removed: record a correction'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER aup_signature_no_delete")
    op.execute("DROP TRIGGER aup_signature_no_update")
    op.drop_table("aup_signature")
    op.drop_table("aup_version")

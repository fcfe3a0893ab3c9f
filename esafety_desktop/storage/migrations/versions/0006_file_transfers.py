"""A pupil's safeguarding file sent to a new school: where, when, how, and who confirmed
receipt.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "file_transfer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("sent_to", sa.String(200), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("how", sa.String(200), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("sent_by_name", sa.String(200), nullable=False),
        sa.Column("receipt_confirmed_on", sa.Date(), nullable=True),
        sa.Column("receipt_confirmed_by", sa.String(200), nullable=True),
        sa.Column("confirmation_recorded_by", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_file_transfer_person_id", "file_transfer", ["person_id"])
    op.execute(
        "CREATE TRIGGER file_transfer_no_delete BEFORE DELETE ON file_transfer "
        "BEGIN SELECT RAISE(ABORT, 'file transfers are never removed'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER file_transfer_no_delete")
    op.drop_table("file_transfer")

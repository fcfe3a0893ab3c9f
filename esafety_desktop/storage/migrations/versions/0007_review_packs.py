"""Review packs: the cases handed to the headteacher for an offline review, the pack's key (kept
here, inside the encrypted database), what each case looked like when it left, and when the
review came back.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_pack",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pack_id", sa.String(32), nullable=False, unique=True),
        sa.Column("exported_at", sa.DateTime(), nullable=False),
        sa.Column("exported_by_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("exported_by_name", sa.String(200), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("pack_key", sa.String(64), nullable=False),
        sa.Column("cases", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=True),
        sa.Column("imported_by_name", sa.String(200), nullable=True),
    )
    op.execute(
        "CREATE TRIGGER review_pack_no_delete BEFORE DELETE ON review_pack "
        "BEGIN SELECT RAISE(ABORT, 'review packs are never removed'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER review_pack_no_delete")
    op.drop_table("review_pack")

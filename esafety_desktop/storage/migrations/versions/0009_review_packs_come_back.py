"""A review pack can come back more than once: the hashes of the entries already imported are
kept, so a later copy adds only what is new. A pack imported before this version did not keep
them (NULL), and is not imported again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("review_pack", sa.Column("imported_entries", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_pack", recreate="never") as table:
        table.drop_column("imported_entries")

"""Restricted cases sealed under keys of their own: ``sealed_case`` holds each one's sealed
document and its key wrapped to the accounts that may see it (storage/case_room.py). Cases
already kept from an account are moved into seals at the first sign-in after this upgrade (the
move needs the accounts' public keys, which are in the key file, not the database).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sealed_case",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("keys", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sealed_case")

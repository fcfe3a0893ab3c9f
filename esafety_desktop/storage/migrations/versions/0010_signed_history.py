"""Signed history: ``roster_record`` keeps the hash of each change to the key file's signed
roster, so a key file whose roster was re-founded, rolled back or put back to version 1 no
longer matches the database. Each audit entry names the account that signed it, carries its Ed25519
signature and, for the last entry of a transaction, the hash of the rows it wrote; ``row_seal``
keeps the hash of each row as each transaction left it, so ``verify`` names a row changed
outside the app. Entries from before this version stay as they were (unsigned): the first
signed entry chains onto them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (never a batch copy): the table keeps its refuse-UPDATE/DELETE triggers.
    op.add_column("audit_entry", sa.Column("signer", sa.String(64), nullable=True))
    op.add_column("audit_entry", sa.Column("signature", sa.String(100), nullable=True))
    op.add_column("audit_entry", sa.Column("rows_hash", sa.String(64), nullable=True))
    op.create_table(
        "row_seal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_key", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_row_seal_sequence", "row_seal", ["sequence"])
    op.create_index("ix_row_seal_row", "row_seal", ["table_name", "row_key"])
    op.execute(
        "CREATE TRIGGER row_seal_no_update BEFORE UPDATE ON row_seal "
        "BEGIN SELECT RAISE(ABORT, 'row seals cannot be changed'); END"
    )
    op.execute(
        "CREATE TRIGGER row_seal_no_delete BEFORE DELETE ON row_seal "
        "BEGIN SELECT RAISE(ABORT, 'row seals cannot be deleted'); END"
    )
    op.create_table(
        "roster_record",
        sa.Column("sequence", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("signed_by", sa.String(64), nullable=False),
    )
    op.execute(
        "CREATE TRIGGER roster_record_no_update BEFORE UPDATE ON roster_record "
        "BEGIN SELECT RAISE(ABORT, 'the roster record cannot be changed'); END"
    )
    op.execute(
        "CREATE TRIGGER roster_record_no_delete BEFORE DELETE ON roster_record "
        "BEGIN SELECT RAISE(ABORT, 'the roster record cannot be changed'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER roster_record_no_delete")
    op.execute("DROP TRIGGER roster_record_no_update")
    op.drop_table("roster_record")
    op.execute("DROP TRIGGER row_seal_no_delete")
    op.execute("DROP TRIGGER row_seal_no_update")
    op.drop_index("ix_row_seal_row", table_name="row_seal")
    op.drop_index("ix_row_seal_sequence", table_name="row_seal")
    op.drop_table("row_seal")
    with op.batch_alter_table("audit_entry", recreate="never") as table:
        table.drop_column("rows_hash")
        table.drop_column("signature")
        table.drop_column("signer")

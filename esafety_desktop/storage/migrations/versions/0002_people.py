"""People: pupils, staff and volunteers, parents and carers, visitors; parent links.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("forename", sa.String(100), nullable=False),
        sa.Column("preferred_name", sa.String(100), nullable=True),
        sa.Column("surname", sa.String(100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("upn", sa.String(13), nullable=True, unique=True),
        sa.Column("mis_id", sa.String(40), nullable=True),
        sa.Column("year_group", sa.String(4), nullable=True),
        sa.Column("class_name", sa.String(40), nullable=True),
        sa.Column("send", sa.Boolean(), nullable=False),
        sa.Column("eal", sa.Boolean(), nullable=False),
        sa.Column("looked_after", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(100), nullable=True),
        sa.Column("email", sa.String(200), nullable=True),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("laptop_asset_tag", sa.String(40), nullable=True),
        sa.Column("organisation", sa.String(200), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("leaving_date", sa.Date(), nullable=True),
        sa.Column("destination", sa.String(200), nullable=True),
        sa.Column("possible_leaver_since", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("kind", "mis_id", name="uq_person_kind_mis_id"),
    )
    op.create_index("ix_person_kind", "person", ["kind"])
    op.create_table(
        "person_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("pupil_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("relationship", sa.String(60), nullable=False),
        sa.Column("parental_responsibility", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("parent_id", "pupil_id", name="uq_person_link"),
    )
    op.create_index("ix_person_link_parent_id", "person_link", ["parent_id"])
    op.create_index("ix_person_link_pupil_id", "person_link", ["pupil_id"])
    # People are never deleted: records about them must keep their names.
    op.execute(
        "CREATE TRIGGER person_no_delete BEFORE DELETE ON person "
        "BEGIN SELECT RAISE(ABORT, 'people are marked as left, never deleted'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER person_no_delete")
    op.drop_index("ix_person_link_pupil_id", "person_link")
    op.drop_index("ix_person_link_parent_id", "person_link")
    op.drop_table("person_link")
    op.drop_index("ix_person_kind", "person")
    op.drop_table("person")

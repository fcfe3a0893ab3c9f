"""Each pupil's year group at the time of a case, kept with the case; cases found quickly by
the account they are about (to hide them from it).

Filters and reports count cases by the year group the pupil was in then, not the one they are
in now. Cases recorded before this revision take the pupil's year group as it stands.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident_person") as batch:
        batch.add_column(sa.Column("year_group", sa.String(4), nullable=True))
    op.execute(
        "UPDATE incident_person SET year_group = "
        "(SELECT person.year_group FROM person WHERE person.id = incident_person.person_id)"
    )
    op.create_index("ix_incident_concerns_account_id", "incident", ["concerns_account_id"])


def downgrade() -> None:
    op.drop_index("ix_incident_concerns_account_id", table_name="incident")
    with op.batch_alter_table("incident_person") as batch:
        batch.drop_column("year_group")

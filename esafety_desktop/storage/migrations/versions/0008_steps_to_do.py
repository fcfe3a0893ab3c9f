"""The flowchart as the case's living plan: an action step is done (when it happened, if not
when it was recorded), to do (owner and due date, one of the case's actions) or not needed; a
step may carry several agencies' references; people recorded only on a case (an unknown or
online person, another school's pupil, a family member) stay off the register.

Steps recorded as done with no outcome before this version were often filled in by the app
itself ("done by" the DSL). The record is append-only, so each keeps its entry and gains a
correction saying its completion was not confirmed, for the DSL to confirm or mark to do.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UNCONFIRMED_WHY = (
    "Recorded as done when the case was first saved, with no outcome: earlier versions of the "
    "app filled in “done by” themselves. Not confirmed: record it done (with its outcome), to "
    "do or not needed."
)


def upgrade() -> None:
    with op.batch_alter_table("incident_entry", recreate="never") as table:
        table.add_column(sa.Column("state", sa.String(12), nullable=True))
        table.add_column(sa.Column("happened_at", sa.DateTime(), nullable=True))
        table.add_column(sa.Column("owner", sa.String(200), nullable=True))
        table.add_column(sa.Column("due", sa.Date(), nullable=True))
        table.add_column(sa.Column("more_references", sa.Text(), nullable=True))
    op.add_column("incident_action", sa.Column("step_id", sa.String(60), nullable=True))
    with op.batch_alter_table("person", recreate="never") as table:
        table.add_column(sa.Column("in_register", sa.Boolean(), nullable=False, server_default="1"))
        table.add_column(sa.Column("description", sa.Text(), nullable=True))
        table.add_column(sa.Column("online_identities", sa.Text(), nullable=True))
        table.add_column(sa.Column("platform", sa.String(200), nullable=True))
        table.add_column(sa.Column("approximate_age", sa.String(40), nullable=True))
    now = datetime.now(UTC).replace(tzinfo=None)
    connection = op.get_bind()
    unconfirmed = connection.execute(
        sa.text(
            "SELECT id, incident_id, author_id, step_id, title FROM incident_entry "
            "WHERE kind = 'step' AND done_by != '' AND trim(outcome) = '' AND state IS NULL "
            "ORDER BY id"
        )
    ).all()
    for entry_id, incident_id, author_id, step_id, title in unconfirmed:
        connection.execute(
            sa.text(
                "INSERT INTO incident_entry (incident_id, recorded_at, author_id, author_name, "
                "kind, step_id, title, reasons, done_by, outcome, text, corrects_id, state) "
                "VALUES (:incident, :now, :author, :name, 'correction', :step, :title, :why, "
                "'', '', '', :corrects, 'unconfirmed')"
            ),
            {
                "incident": incident_id,
                "now": now,
                "author": author_id,
                "name": "eSafety Desktop (update to version 0008)",
                "step": step_id,
                "title": f"Not confirmed: {title}",
                "why": UNCONFIRMED_WHY,
                "corrects": entry_id,
            },
        )


def downgrade() -> None:
    with op.batch_alter_table("person", recreate="never") as table:
        for name in ("approximate_age", "platform", "online_identities", "description"):
            table.drop_column(name)
        table.drop_column("in_register")
    op.drop_column("incident_action", "step_id")
    with op.batch_alter_table("incident_entry", recreate="never") as table:
        for name in ("more_references", "due", "owner", "happened_at", "state"):
            table.drop_column(name)

"""Alembic environment: always run on a connection the app already opened and keyed."""

from alembic import context

from esafety_desktop.storage.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # The full-text index is made by hand in a migration, not described by a model.
    include_object=lambda obj, name, kind, reflected, compare_to: (
        not (kind == "table" and str(name).startswith("incident_search"))
    ),
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
)
with context.begin_transaction():
    context.run_migrations()

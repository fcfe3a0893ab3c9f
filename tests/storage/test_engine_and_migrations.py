import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from esafety_desktop.storage.engine import create_encrypted_engine
from esafety_desktop.storage.migrate import current_revision, head_revision, upgrade_to_head
from esafety_desktop.storage.models import Base
from tests.storage.fixtures.make_schema_fixtures import FIXTURE_KEY, HERE, RELEASED, make

KEY = bytes(range(32, 64))


def test_every_connection_is_keyed_and_set_up_for_safe_writing(tmp_path: Path) -> None:
    engine = create_encrypted_engine(tmp_path / "a.db", KEY)
    with engine.connect() as connection:
        pragma = lambda name: connection.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("temp_store") == 2  # MEMORY
        assert pragma("secure_delete") == 1
        assert str(pragma("cipher_version")).startswith("4.")
    engine.dispose()


def test_a_new_database_gets_the_current_schema_through_migrations(tmp_path: Path) -> None:
    engine = create_encrypted_engine(tmp_path / "a.db", KEY)
    assert current_revision(engine) is None
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()

    def ours(obj: object, name: str | None, kind: str, reflected: bool, compare_to: object) -> bool:
        return not (kind == "table" and name and name.startswith("incident_search"))

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": ours})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "models.py and the migrations disagree; write a migration"
    engine.dispose()


@pytest.mark.parametrize("revision", sorted(RELEASED))
def test_every_released_schema_upgrades_and_keeps_its_rows(tmp_path: Path, revision: str) -> None:
    copy = tmp_path / f"schema_{revision}.db"
    shutil.copy(HERE / f"schema_{revision}.db", copy)
    engine = create_encrypted_engine(copy, FIXTURE_KEY)
    assert current_revision(engine) == revision
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        names = connection.execute(text("SELECT display_name FROM account")).scalars().all()
        school = connection.execute(
            text("SELECT value FROM school_setting WHERE key = 'school_name'")
        ).scalar()
    assert names == ["Fixture DSL"]
    assert school == '"Fixture Primary"'
    engine.dispose()


def test_cases_from_before_0004_take_the_pupils_year_group(tmp_path: Path) -> None:
    path = make(
        "0003",
        [
            *RELEASED["0003"],
            "INSERT INTO incident_person (incident_id, person_id, role) VALUES (1, 1, 'target')",
        ],
        folder=tmp_path,
    )
    engine = create_encrypted_engine(path, FIXTURE_KEY)
    upgrade_to_head(engine)
    with engine.connect() as connection:
        years = connection.execute(text("SELECT year_group FROM incident_person")).scalars()
        assert list(years) == ["4"]  # the fixture pupil is in Year 4
    engine.dispose()


def test_the_audit_table_refuses_changes_and_deletions(tmp_path: Path) -> None:
    engine = create_encrypted_engine(tmp_path / "a.db", KEY)
    upgrade_to_head(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_entry (sequence, occurred_at, actor_name, action, details, "
                "prev_hash, hash) VALUES (1, 't', 'x', 'a', '{}', 'p', 'h')"
            )
        )
    for statement in ("UPDATE audit_entry SET action = 'b'", "DELETE FROM audit_entry"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()


def test_the_standard_sqlite_library_cannot_read_the_file(tmp_path: Path) -> None:
    shutil.copy(HERE / "schema_0001.db", tmp_path / "copy.db")
    assert not (HERE / "schema_0001.db").read_bytes().startswith(b"SQLite format 3")
    connection = sqlite3.connect(tmp_path / "copy.db")
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        connection.execute("SELECT * FROM sqlite_master").fetchall()
    connection.close()

"""An edited, deleted or reordered audit entry, or a cut-off tail, is found and named."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, text

from esafety_desktop.services import settings
from esafety_desktop.services.access import unlock
from esafety_desktop.services.checks import verify_database
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.engine import create_encrypted_engine
from esafety_desktop.storage.files import DatabaseFiles
from tests.conftest import School


def _with_history(school: School) -> None:
    for name in ("Alder School", "Birch School", "Cedar School", "Damson School"):
        settings.rename_school(school.signed_in, name)
    school.signed_in.sign_out()


def _raw_engine(school: School) -> Engine:
    """What an intruder who had the password could do: open the database bypassing the app."""
    key = unlock(
        DatabaseFiles(school.path), school.username, school.password, DeviceSecretStore()
    ).data_key
    engine = create_encrypted_engine(school.path, key)
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_update"))
        connection.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_delete"))
    return engine


def _verify(school: School) -> list[str]:
    report = verify_database(school.path, school.username, school.password, DeviceSecretStore())
    return report.problems


def test_an_untouched_chain_verifies(school: School) -> None:
    _with_history(school)
    report = verify_database(school.path, school.username, school.password, DeviceSecretStore())
    assert report.sound, report.problems
    assert report.audit_entries == 8  # 3 on creation, 4 renames, 1 sign-out
    assert "audit chain of" in report.summary()


def test_an_edited_entry_is_named(school: School) -> None:
    _with_history(school)
    engine = _raw_engine(school)
    with engine.begin() as connection:
        details = json.dumps({"setting": "school_name", "from": "x", "to": "Forged School"})
        connection.execute(
            text("UPDATE audit_entry SET details = :d WHERE sequence = 7"), {"d": details}
        )
    engine.dispose()
    problems = _verify(school)
    assert any("Audit entry 7 (settings.changed" in p and "changed after" in p for p in problems)


def test_a_deleted_entry_is_named(school: School) -> None:
    _with_history(school)
    engine = _raw_engine(school)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entry WHERE sequence = 6"))
    engine.dispose()
    problems = _verify(school)
    assert "Audit entry 6 is missing (deleted from the log)." in problems


def test_reordered_entries_are_found(school: School) -> None:
    _with_history(school)
    engine = _raw_engine(school)
    with engine.begin() as connection:
        # Swap the content of entries 6 and 7 (keeping each row's own hash consistent).
        rows = connection.execute(
            text("SELECT id, sequence FROM audit_entry WHERE sequence IN (6, 7) ORDER BY sequence")
        ).all()
        connection.execute(text("UPDATE audit_entry SET id = -1 WHERE id = :a"), {"a": rows[0][0]})
        connection.execute(
            text("UPDATE audit_entry SET id = :a WHERE id = :b"), {"a": rows[0][0], "b": rows[1][0]}
        )
        connection.execute(text("UPDATE audit_entry SET id = :b WHERE id = -1"), {"b": rows[1][0]})
    engine.dispose()
    problems = _verify(school)
    assert any("out of order" in p for p in problems), problems


def test_a_cut_off_tail_is_caught_by_the_anchor(school: School) -> None:
    _with_history(school)
    engine = _raw_engine(school)
    with engine.begin() as connection:
        last = connection.execute(text("SELECT max(sequence) FROM audit_entry")).scalar()
        connection.execute(text("DELETE FROM audit_entry WHERE sequence >= :s"), {"s": last - 1})
    engine.dispose()
    problems = _verify(school)
    assert (
        f"The newest audit entries {last - 1} to {last} are missing: "
        "the end of the log was cut off." in problems
    )


def test_an_altered_anchor_is_caught(school: School) -> None:
    _with_history(school)
    keys = DatabaseFiles(school.path).key_slots
    raw = json.loads(keys.read_text())
    raw["audit_anchor"]["sequence"] -= 2
    keys.write_text(json.dumps(raw))
    assert "The record of the newest audit entry in the key file was altered." in _verify(school)


def test_a_damaged_check_leaves_no_verified_entry(school: School) -> None:
    _with_history(school)
    engine = _raw_engine(school)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entry WHERE sequence = 3"))
        before = connection.execute(text("SELECT count(*) FROM audit_entry")).scalar()
    engine.dispose()
    assert _verify(school)
    engine = _raw_engine(school)
    with engine.connect() as connection:
        after = connection.execute(text("SELECT count(*) FROM audit_entry")).scalar()
    engine.dispose()
    assert after == before


@pytest.mark.parametrize("crash_after_commit", [True])
def test_entries_saved_just_before_a_crash_are_not_called_tampering(
    school: School, crash_after_commit: bool
) -> None:
    # Simulate a crash between committing an entry and moving the anchor: put the old anchor back.
    keys = DatabaseFiles(school.path).key_slots
    settings.rename_school(school.signed_in, "Alder School")
    old_anchor = keys.read_bytes()
    settings.rename_school(school.signed_in, "Birch School")
    school.signed_in.database.close()
    keys.write_bytes(old_anchor)
    report = verify_database(school.path, school.username, school.password, DeviceSecretStore())
    assert report.sound, report.problems
    assert any("saved just before the program stopped" in n for n in report.notes)

"""The headteacher as an attacker on the history: with their own password, the app's code and
raw ``sqlcipher3`` they edit, add and delete records and audit entries directly. ``verify``
names each change: which record of which table, which entry."""

from __future__ import annotations

import json

import pytest
import sqlcipher3

from esafety_desktop.services import incidents
from esafety_desktop.services.checks import verify_open_database
from esafety_desktop.services.school_keys import open_password_slot
from esafety_desktop.storage import audit, keyslots
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from esafety_desktop.storage.key_file import KeySlotFile
from esafety_desktop.storage.keyslots import AuditAnchor
from tests.conftest import HEAD_PASSWORD, School, add_head
from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil


def _case(school: School) -> int:
    return incidents.record_incident(
        school.signed_in, _new(_pupil(school), NUDES_REFERRED, summary="A concern, as recorded")
    ).id


class Head:
    """The headteacher's raw hold on the files: their keys and the data key."""

    def __init__(self, school: School) -> None:
        self.school = school
        self.files = DatabaseFiles(school.path)
        key_file = KeySlotFile.load(self.files.key_slots)
        self.unlocked = open_password_slot(key_file, "p.head", HEAD_PASSWORD, DeviceSecretStore())
        self.connection = sqlcipher3.dbapi2.connect(str(school.path))
        self.connection.execute("PRAGMA cipher_log_level = NONE")
        self.connection.execute(f"PRAGMA key = \"x'{bytes(self.unlocked.data_key).hex()}'\"")

    def run(self, *statements: str) -> None:
        for statement in statements:
            self.connection.execute(statement)
        self.connection.commit()

    def forge_entry(self, *, signer: str | None, sign_with_own_keys: bool) -> None:
        """Append an entry exactly as the app computes one, and move the anchor to it."""
        last_sequence, last_hash = self.connection.execute(
            "SELECT sequence, hash FROM audit_entry ORDER BY sequence DESC LIMIT 1"
        ).fetchone()
        entry = audit.AuditEntry(
            sequence=last_sequence + 1,
            occurred_at="2026-12-01T09:00:00.000000",
            actor_id=1,
            actor_name="Jo Bloggs",
            action="incident.closed",
            subject_type="incident",
            subject_id="1",
            details=audit.canonical_details({"why": "resolved"}),
            prev_hash=last_hash,
            signer=signer,
        )
        entry.hash = audit.entry_hash(last_hash, entry)
        signature = None
        if sign_with_own_keys:
            from esafety_desktop.storage.history import Signer

            assert self.unlocked.keys is not None
            forger = Signer("p.head", self.unlocked.keys, self.unlocked.key_slots.database_id)
            signature = forger.signature(entry.hash)
        self.run(
            "INSERT INTO audit_entry (sequence, occurred_at, actor_id, actor_name, action, "
            "subject_type, subject_id, details, prev_hash, hash, signer, signature) VALUES "
            f"({entry.sequence}, '{entry.occurred_at}', 1, 'Jo Bloggs', 'incident.closed', "
            f"'incident', '1', '{entry.details}', '{last_hash}', '{entry.hash}', "
            f"{'NULL' if signer is None else repr(signer)}, "
            f"{'NULL' if signature is None else repr(signature)})"
        )
        key_file = KeySlotFile.load(self.files.key_slots)
        seal = keyslots.seal_anchor(
            self.unlocked.data_key, key_file.database_id, entry.sequence, entry.hash
        )
        key_file.audit_anchor = AuditAnchor(entry.sequence, entry.hash, seal)
        key_file.save()

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def head(school: School) -> Head:
    add_head(school)
    _case(school)
    attacker = Head(school)
    yield attacker  # type: ignore[misc]
    attacker.close()


def _problems(school: School) -> list[str]:
    school.signed_in.database.key_slots = KeySlotFile.load(
        DatabaseFiles(school.path).key_slots
    )  # as after the next sign-in: the anchor the attacker moved
    return verify_open_database(school.signed_in).problems


def test_the_untouched_school_verifies(school: School, head: Head) -> None:
    assert _problems(school) == []


def test_a_case_edited_directly_is_named(school: School, head: Head) -> None:
    head.run("UPDATE incident SET summary = 'Nothing happened' WHERE id = 1")
    assert "Record 1 of the incident table was changed outside the app." in _problems(school)


def test_a_record_added_directly_is_named(school: School, head: Head) -> None:
    head.run(
        "INSERT INTO incident_entry (incident_id, recorded_at, author_id, author_name, kind, "
        "title, reasons, done_by, outcome, text) VALUES (1, '2026-12-01 09:00:00.000000', 1, "
        "'Jo Bloggs', 'note', 'Case reviewed: no concern', '', '', '', 'Nothing to see')"
    )
    problems = _problems(school)
    assert any("of the incident entry table was added outside the app" in p for p in problems), (
        problems
    )


def test_a_record_deleted_directly_is_named(school: School, head: Head) -> None:
    head.run("PRAGMA foreign_keys = OFF", "DELETE FROM incident_person WHERE incident_id = 1")
    problems = _problems(school)
    assert any("of the incident person table was deleted outside the app" in p for p in problems), (
        problems
    )


def test_an_unsigned_entry_appended_with_a_moved_anchor_is_named(
    school: School, head: Head
) -> None:
    head.forge_entry(signer=None, sign_with_own_keys=False)
    problems = _problems(school)
    assert any("(incident.closed, 2026-12-01) is not signed" in p for p in problems), problems


def test_an_entry_signed_by_the_head_in_the_dsls_name_is_named(school: School, head: Head) -> None:
    head.forge_entry(signer="jo.dsl", sign_with_own_keys=True)
    problems = _problems(school)
    assert any("is not signed by jo.dsl, whom it names" in p for p in problems), problems


def test_rewriting_the_chain_to_change_an_old_entry_is_named(school: School, head: Head) -> None:
    """Drop the triggers, change what an old entry says, and recompute every hash after it."""
    head.run("DROP TRIGGER audit_entry_no_update")
    rows = head.connection.execute(
        "SELECT id, sequence FROM audit_entry ORDER BY sequence"
    ).fetchall()
    target = rows[2][1]
    head.run(
        f"UPDATE audit_entry SET details = '{json.dumps({'forged': True})}' "
        f"WHERE sequence = {target}"
    )
    from esafety_desktop.storage.models import AuditEntry

    previous = audit.GENESIS_HASH
    for row in head.connection.execute(
        "SELECT sequence, occurred_at, actor_id, actor_name, action, subject_type, subject_id, "
        "details, signer, rows_hash FROM audit_entry ORDER BY sequence"
    ).fetchall():
        names = [
            "sequence",
            "occurred_at",
            "actor_id",
            "actor_name",
            "action",
            "subject_type",
            "subject_id",
            "details",
            "signer",
            "rows_hash",
        ]
        entry = AuditEntry(**dict(zip(names, row, strict=True)))
        new_hash = audit.entry_hash(previous, entry)
        head.connection.execute(
            "UPDATE audit_entry SET prev_hash = ?, hash = ? WHERE sequence = ?",
            (previous, new_hash, entry.sequence),
        )
        previous = new_hash
    head.connection.commit()
    problems = _problems(school)
    assert any(f"Audit entry {target} " in p and "not signed by" in p for p in problems), problems


def test_a_seal_slipped_in_to_cover_an_edit_is_named(school: School, head: Head) -> None:
    import hashlib

    head.run("UPDATE incident SET summary = 'Nothing happened' WHERE id = 1")
    last = head.connection.execute("SELECT max(sequence) FROM audit_entry").fetchone()[0]
    row = head.connection.execute("SELECT * FROM incident WHERE id = 1").fetchone()
    fake = hashlib.sha256(repr(row).encode()).hexdigest()
    head.run(
        "INSERT INTO row_seal (sequence, table_name, row_key, content_hash) VALUES "
        f"({last}, 'incident', '1', '{fake}')"
    )
    problems = _problems(school)
    assert any("seals of the records written with audit entry" in p.lower() for p in problems), (
        problems
    )

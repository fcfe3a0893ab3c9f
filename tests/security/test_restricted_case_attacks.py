"""The headteacher as an attacker on a case about themselves. With their own password, the
app's code and raw ``sqlcipher3`` they hold the data key; they read every table, every blob,
the key file and every page of the database and its write-ahead log, decrypted. A restricted
case kept from them leaves no trace there: not its words, not the names kept only with it,
not its reference."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlcipher3

from esafety_desktop.domain.evidence import EvidenceKind
from esafety_desktop.domain.incidents import PersonRole
from esafety_desktop.domain.people import CasePersonKind, Newcomer
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services import incidents, restricted_cases
from esafety_desktop.services.access import sign_in
from esafety_desktop.services.accounts import list_accounts
from esafety_desktop.services.checks import verify_open_database
from esafety_desktop.services.restricting import restrict_case
from esafety_desktop.services.school_keys import open_password_slot
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from esafety_desktop.storage.key_file import KeySlotFile
from tests.conftest import HEAD_PASSWORD, School, add_head
from tests.security.raw_pages import found_in_pages
from tests.services.test_incidents import ABOUT_THE_HEAD, NUDES_REFERRED, _new, _pupil

# Words only the restricted case holds: its facts, the child's words, a note, evidence, and a
# person kept only with it (names from every community).
MARKERS = (
    "Zephyrine",
    "Quillfeather",
    "Marrowbank",
    "Łucja Wąsowska-Tŷ",
    "Yılmaz-Oakhurst",
    "obsidian-lantern",
)


def _head_id(school: School) -> int:
    return next(a.id for a in list_accounts(school.signed_in) if a.username == "p.head")


def _record_about_the_head(school: School) -> incidents.IncidentSummary:
    dsl = school.signed_in
    stranger = Newcomer(
        CasePersonKind.ONLINE,
        forename="Łucja Wąsowska-Tŷ",
        surname="Yılmaz-Oakhurst",
        online_identities="obsidian-lantern",
    )
    case = incidents.record_incident(
        dsl,
        _new(
            _pupil(school),
            ABOUT_THE_HEAD,
            summary="Zephyrine messages came from the head's school account.",
            child_words="Quillfeather, he said, was our secret.",
            newcomers=[(stranger, PersonRole.ALLEGED_PERPETRATOR)],
            concerns_account_id=_head_id(school),
        ),
    )
    incidents.add_note(dsl, case.id, "Marrowbank: the chair of governors was told in person.")
    incidents.add_evidence(
        dsl,
        case.id,
        EvidenceKind.DESCRIPTION,
        "Marrowbank log of the messages, printed and locked in the DSL's cabinet.",
    )
    return case


class Attacker:
    """The headteacher's raw hold: the data key their password opens, and the files."""

    def __init__(self, school: School) -> None:
        files = DatabaseFiles(school.path)
        key_file = KeySlotFile.load(files.key_slots)
        unlocked = open_password_slot(key_file, "p.head", HEAD_PASSWORD, DeviceSecretStore())
        self.data_key = bytes(unlocked.data_key)
        self.keys = unlocked.keys
        self.database_id = key_file.database_id
        self.files = files
        self.connection = sqlcipher3.dbapi2.connect(str(school.path))
        self.connection.execute("PRAGMA cipher_log_level = NONE")
        self.connection.execute(f"PRAGMA key = \"x'{self.data_key.hex()}'\"")

    def every_value(self) -> Iterator[tuple[str, str]]:
        """(table, text) of every value of every table, blobs read as UTF-8 too."""
        tables = [
            r[0]
            for r in self.connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            )
        ]
        for table in tables:
            for row in self.connection.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, bytes):
                        yield table, value.decode("utf-8", "replace")
                    elif value is not None:
                        yield table, str(value)

    def tables_holding(self, *words: str) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for table, value in self.every_value():
            for word in words:
                if word in value:
                    found.setdefault(word, set()).add(table)
        return found

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def attacker_school(school: School) -> Iterator[School]:
    add_head(school)
    yield school


def test_a_case_about_the_head_leaves_no_trace_the_head_can_read(attacker_school: School) -> None:
    school = attacker_school
    case = _record_about_the_head(school)
    assert case.reference == "R-0001"
    # The DSL reads it all, through the app, as any case.
    dsl = school.signed_in
    assert [c.reference for c in incidents.list_incidents(dsl)] == ["R-0001"]
    assert incidents.search_incidents(dsl, "zephyrine") == {case.id}
    assert incidents.search_incidents(dsl, "quillfeather") == {case.id}
    words = " ".join(e.text for e in incidents.chronology(dsl, case.id))
    assert "Marrowbank" in words
    assert any("Łucja" in i.name for i in incidents.incident_summary(dsl, case.id).involved)
    dsl.database.close()  # the DSL signs out: the attacker has the files to themselves

    attacker = Attacker(school)
    try:
        assert attacker.tables_holding(*MARKERS, "R-0001") == {}
        assert found_in_pages(school.path, attacker.data_key, *MARKERS, "R-0001") == set()
        key_file = attacker.files.key_slots.read_text(encoding="utf-8")
        assert not [m for m in (*MARKERS, "R-0001") if m in key_file]
    finally:
        attacker.close()

    # Through the app, with the head's own keys, there is nothing either.
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    try:
        assert incidents.list_incidents(head) == []
        assert incidents.search_incidents(head, "zephyrine") == set()
        assert restricted_cases.left_out(head) == 1
        with pytest.raises(InvalidInput, match="does not exist"):
            incidents.chronology(head, case.id)
        with pytest.raises(InvalidInput, match="does not exist"):
            incidents.sign_off(head, case.id, "The head signs off a case about themselves")
    finally:
        head.sign_out()


def test_the_head_cannot_open_the_sealed_case_with_the_apps_own_code(
    attacker_school: School,
) -> None:
    """The sealed row is there; the head's private keys unwrap nothing in it."""
    import json

    from esafety_desktop.storage.case_room import case_key_context
    from esafety_desktop.storage.keypairs import WrappedKey, WrongKeys

    school = attacker_school
    _record_about_the_head(school)
    school.signed_in.database.close()
    files = DatabaseFiles(school.path)
    unlocked = open_password_slot(
        KeySlotFile.load(files.key_slots), "p.head", HEAD_PASSWORD, DeviceSecretStore()
    )
    attacker = Attacker(school)
    try:
        number, wraps = attacker.connection.execute("SELECT id, keys FROM sealed_case").fetchone()
        recipients = set(json.loads(wraps))
        assert recipients == {"account:jo.dsl", "recovery key"}
        assert unlocked.keys is not None
        for recipient, raw in json.loads(wraps).items():
            for as_whom in (recipient, "account:p.head"):
                with pytest.raises(WrongKeys):
                    unlocked.keys.unwrap(
                        WrappedKey.from_json(raw),
                        case_key_context(unlocked.key_slots.database_id, number, as_whom),
                    )
    finally:
        attacker.close()


def test_a_case_restricted_later_loses_its_plain_rows(attacker_school: School) -> None:
    """An ordinary case the DSL restricts afterwards: its words, people and search text leave
    the live database (free pages and the write-ahead log included). The audit entries written
    before the move are signed and chained, so they stay: they name its reference and what
    was done, never what it says."""
    school = attacker_school
    dsl = school.signed_in
    case = incidents.record_incident(
        dsl,
        _new(
            _pupil(school),
            NUDES_REFERRED,
            summary="Zephyrine was asked for photos by a member of staff.",
            child_words="Quillfeather said it was a game.",
        ),
    )
    incidents.add_note(dsl, case.id, "Marrowbank note before the case was restricted.")
    new_id = restrict_case(dsl, case.id, [_head_id(school)])
    assert new_id < 0
    moved = incidents.incident_summary(dsl, new_id)
    assert moved is not None and moved.reference == case.reference  # as written on paper
    assert "Marrowbank" in " ".join(e.text for e in incidents.chronology(dsl, new_id))
    assert verify_open_database(dsl).problems == []
    dsl.database.close()

    attacker = Attacker(school)
    try:
        assert attacker.tables_holding("Zephyrine", "Quillfeather", "Marrowbank") == {}
        assert attacker.tables_holding(case.reference) == {case.reference: {"audit_entry"}}
        assert (
            found_in_pages(
                school.path, attacker.data_key, "Zephyrine", "Quillfeather", "Marrowbank"
            )
            == set()
        )
    finally:
        attacker.close()


def test_editing_a_sealed_case_outside_the_app_is_named_by_verify(attacker_school: School) -> None:
    school = attacker_school
    _record_about_the_head(school)
    attacker = Attacker(school)
    try:
        sealed = attacker.connection.execute("SELECT sealed FROM sealed_case").fetchone()[0]
        flipped = sealed[:40] + bytes([sealed[40] ^ 1]) + sealed[41:]
        attacker.connection.execute("UPDATE sealed_case SET sealed = ?", (flipped,))
        attacker.connection.commit()
    finally:
        attacker.close()
    problems = verify_open_database(school.signed_in).problems
    assert "Record 1 of the sealed case table was changed outside the app." in problems


def test_a_draft_about_the_head_is_sealed_to_its_author(attacker_school: School) -> None:
    """The wizard saves as the DSL types: the half-written case is no more readable to the head
    than the finished one, and it survives the DSL's password change."""
    from esafety_desktop.services.accounts import change_own_password

    school = attacker_school
    dsl = school.signed_in
    draft = incidents.save_draft(
        dsl, None, "Zephyrine: about the head", {"summary": "Quillfeather messages"}
    )
    attacker = Attacker(school)
    try:
        assert attacker.tables_holding("Zephyrine", "Quillfeather") == {}
    finally:
        attacker.close()
    change_own_password(
        dsl, current_password=school.password, new_password="Saddle-Otter-Crimson-64"
    )
    assert [d.label for d in incidents.my_drafts(dsl)] == ["Zephyrine: about the head"]
    assert incidents.load_draft(dsl, draft) == {"summary": "Quillfeather messages"}


def _fresh_sign_in(school: School) -> incidents.IncidentSummary | None:
    from tests.conftest import DSL_PASSWORD

    school.signed_in.sign_out()
    school.signed_in = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    return next((c for c in incidents.list_incidents(school.signed_in) if c.id < 0), None)


def test_a_case_slipped_in_by_the_head_is_not_opened_and_is_named(attacker_school: School) -> None:
    """The head writes a restricted case of their own, wrapped to the DSL and to themselves,
    hoping the DSL writes into it. No signed entry restricted it: the DSL's app does not open
    it, and verify says why."""
    import json
    import secrets

    from esafety_desktop.storage.case_room import FORMAT, case_key_context, seal_document
    from esafety_desktop.storage.keypairs import wrap_key
    from esafety_desktop.storage.roster import RosterState

    school = attacker_school
    attacker = Attacker(school)
    try:
        roster: RosterState = KeySlotFile.load(attacker.files.key_slots).signed.state()
        key = secrets.token_bytes(32)
        assert attacker.keys is not None
        document = {
            "format": FORMAT,
            "kept_from": [],
            "changes": 0,
            "tables": {},
            "search": "",
            "history": [],
        }
        wraps = {
            f"account:{name}": wrap_key(
                key,
                roster.members[name].keys.x25519,
                case_key_context(attacker.database_id, 1, f"account:{name}"),
            ).to_json()
            for name in ("jo.dsl", "p.head")
        }
        attacker.connection.execute(
            "INSERT INTO sealed_case (id, version, sealed, keys) VALUES (1, 1, ?, ?)",
            (seal_document(key, attacker.database_id, 1, document), json.dumps(wraps)),
        )
        attacker.connection.commit()
    finally:
        attacker.close()
    assert _fresh_sign_in(school) is None  # not opened, so nothing can be written into it
    problems = verify_open_database(school.signed_in).problems
    assert (
        "Restricted case 1 was changed outside the app: the audit log has no entry that "
        "restricted it." in problems
    )


def test_a_restricted_case_put_back_as_it_was_is_not_opened(attacker_school: School) -> None:
    """An older version of the sealed row written back (to undo a note the head dislikes,
    though they cannot read it): the row is not as the app last saved it."""
    school = attacker_school
    case = _record_about_the_head(school)
    attacker = Attacker(school)
    try:
        old = attacker.connection.execute("SELECT version, sealed FROM sealed_case").fetchone()
    finally:
        attacker.close()
    incidents.add_note(school.signed_in, case.id, "The LADO's advice, written down")
    attacker = Attacker(school)
    try:
        attacker.connection.execute("UPDATE sealed_case SET version = ?, sealed = ?", old)
        attacker.connection.commit()
    finally:
        attacker.close()
    assert _fresh_sign_in(school) is None
    problems = verify_open_database(school.signed_in).problems
    assert (
        "Restricted case 1 was changed outside the app: it is older than its history in the "
        "audit log (it was put back)." in problems
    )


def test_a_pupils_chronology_writes_nothing_about_a_restricted_case(
    attacker_school: School,
) -> None:
    """An entry about the restricted case written while a pupil's chronology is made would sit
    next to the chronology's own entry, which names the pupil: none is written."""
    from sqlalchemy import func, select

    from esafety_desktop.services.transfers import child_chronology
    from esafety_desktop.storage.models import AuditEntry

    school = attacker_school
    case = _record_about_the_head(school)
    dsl = school.signed_in
    summary = incidents.incident_summary(dsl, case.id)
    assert summary is not None
    pupil = next(i.person_id for i in summary.involved if i.person_id > 0)

    def about_restricted() -> int:
        with dsl.database.reading() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(AuditEntry)
                    .where(AuditEntry.subject_type == "restricted_case")
                )
                or 0
            )

    before = about_restricted()
    assert b"%PDF" in child_chronology(dsl, pupil)[:8]
    assert about_restricted() == before

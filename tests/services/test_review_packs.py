"""The headteacher's offline review pack: export, review on another PC, import, on real files."""

from __future__ import annotations

import io
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
import sqlcipher3
from pypdf import PdfReader

from esafety_desktop.domain.recovery_key import new_passphrase, parse_passphrase
from esafety_desktop.errors import InvalidInput, NotAllowed
from esafety_desktop.services import incidents, review_packs
from esafety_desktop.services.access import sign_in
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.review_pack import PackProblem, pack_key
from tests.conftest import HEAD_PASSWORD, School, add_head, new_pc
from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil

MARKER = "Zebracorn-7731 said an older boy online asked for photos"


def _case(school: School, summary: str = MARKER, **extra: object) -> int:
    return incidents.record_incident(
        school.signed_in, _new(_pupil(school), NUDES_REFERRED, summary=summary, **extra)
    ).id


def _head_allegation(school: School) -> int:
    from esafety_desktop.services.accounts import list_accounts

    head = next(a for a in list_accounts(school.signed_in) if a.username == "p.head")
    return _case(school, "Allegation about the headteacher's messages", concerns_account_id=head.id)


@pytest.fixture
def exported(school: School, tmp_path_factory: pytest.TempPathFactory) -> review_packs.ExportedPack:
    add_head(school)
    _case(school)
    _case(school, "A second concern: a group chat turned unkind")
    _head_allegation(school)
    ids = review_packs.cases_for_review(school.signed_in)
    out = tmp_path_factory.mktemp("to-the-head") / "review.esreview"
    return review_packs.export_review_pack(school.signed_in, ids, "Pat Head", out)


def test_export_holds_only_the_chosen_cases_encrypted_and_never_a_head_allegation(
    school: School, exported: review_packs.ExportedPack
) -> None:
    assert len(exported.references) == 2
    raw = exported.path.read_bytes()
    for marker in (b"Zebracorn", b"group chat", b"Amy", b"Ash", b"Pat Head", b"SQLite format"):
        assert marker not in raw
    with pytest.raises(sqlite3.DatabaseError):  # not readable as a plain database
        sqlite3.connect(exported.path).execute("SELECT * FROM pack_case").fetchall()
    # the allegation about the head is left out even when hand-picked
    every = [c.id for c in incidents.list_incidents(school.signed_in)]
    again = review_packs.export_review_pack(
        school.signed_in, every, "Pat Head", exported.path.with_name("all.esreview")
    )
    assert len(again.references) == 2 and len(again.left_out) == 1
    opened = review_packs.open_for_review(again.path, again.passphrase)
    summaries = [c.record["summary"] for c in opened.cases()]
    opened.close()
    assert not any("Allegation about the headteacher" in s for s in summaries)
    [entry] = audit_entries(school.signed_in, action="review_pack.exported")[:1]
    # The allegation is a restricted case: the clear audit log (which the head can read) counts
    # it only as a restricted case left out, never as an allegation about the head.
    assert entry.details["left_out_allegations_about_the_head"] == 0
    assert entry.details["left_out_restricted_cases"] == 1
    assert entry.details["reviewer"] == "Pat Head"


def test_the_head_reviews_on_another_pc_and_the_dsl_imports_the_sign_offs(
    school: School, exported: review_packs.ExportedPack
) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    new_pc()  # the head's laptop at home: no school password ...
    keyring.set_keyring(NoKeyring())  # ... and no keyring at all
    pack = review_packs.open_for_review(exported.path, exported.passphrase.lower())
    first, second = pack.cases()
    assert pack.reviewer == "Pat Head" and pack.school_name
    pdf = pack.record_pdf(first.incident_id, printed_by="Pat Head")
    pack.add(
        first.incident_id, review_packs.COMMENT, reviewer="Pat Head", text="Parents met; agreed."
    )
    pack.add(
        first.incident_id,
        review_packs.SIGNED_OFF,
        reviewer="Pat Head",
        text="Handled well.",
        signed_on=date(2026, 11, 24),
    )
    pack.add(second.incident_id, review_packs.REVIEWED, reviewer="Pat Head")
    with pytest.raises(InvalidInput):
        pack.add(second.incident_id, review_packs.COMMENT, reviewer="Pat Head", text=" ")
    pack.close()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "OFFICIAL-SENSITIVE" in text and first.reference in text
    # re-opened later: the entries are kept, and print with the case
    again = review_packs.open_for_review(exported.path, exported.passphrase)
    assert [e.kind for e in again.entries()] == ["comment", "signed_off", "reviewed"]
    printed = again.record_pdf(first.incident_id, printed_by="Pat Head")
    again.close()
    printed_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(printed)).pages)
    assert "Signed off by Pat Head on 24/11/2026" in printed_text

    new_pc()  # back at school (the DSL's session is still open)
    returned = review_packs.read_returned_pack(school.signed_in, exported.path)
    assert returned.reviewer == "Pat Head" and returned.entry_count == 3
    imported = review_packs.import_review(school.signed_in, returned)
    assert imported.total == 3
    assert imported.sentence() == (
        f"Added {first.reference}: 1 × comment, 1 × signed off; {second.reference}: 1 × reviewed."
    )
    chronology = incidents.chronology(school.signed_in, first.incident_id)
    titles = [e.title for e in chronology]
    assert "Signed off by Pat Head on 24/11/2026" in titles
    assert "Comment by Pat Head" in titles
    signed = next(e for e in chronology if e.title.startswith("Signed off"))
    assert signed.text == "Handled well." and signed.author.startswith("Pat Head (offline review")
    # a sign-off counts as the case's review: the head's Dashboard no longer asks for it
    assert incidents.awaiting_sign_off(school.signed_in) == 2  # the second was only "reviewed"
    # the same copy again: nothing new, nothing added twice
    again_returned = review_packs.read_returned_pack(school.signed_in, exported.path)
    assert (again_returned.entry_count, again_returned.already_imported) == (0, 3)
    assert review_packs.import_review(school.signed_in, again_returned).total == 0
    assert len(incidents.chronology(school.signed_in, first.incident_id)) == len(chronology)


def test_a_pack_altered_outside_the_app_or_from_another_school_is_refused(
    school: School, exported: review_packs.ExportedPack, tmp_path: Path
) -> None:
    key = pack_key(parse_passphrase(exported.passphrase))
    # someone with the passphrase edits a case's text with a SQLCipher tool
    altered = tmp_path / "altered.esreview"
    shutil.copy(exported.path, altered)
    _edit_with_a_sqlcipher_tool(
        altered, key, "UPDATE pack_case SET record = replace(record, 'Zebracorn', 'Someone')"
    )
    with pytest.raises(PackProblem, match="changed outside eSafety Desktop"):
        review_packs.open_for_review(altered, exported.passphrase)
    with pytest.raises(PackProblem, match="altered outside eSafety Desktop"):
        review_packs.read_returned_pack(school.signed_in, altered)
    # a reviewer's entry rewritten after the event
    pack = review_packs.open_for_review(exported.path, exported.passphrase)
    pack.add(pack.cases()[0].incident_id, review_packs.REVIEWED, reviewer="Pat Head")
    pack.close()
    forged = tmp_path / "forged.esreview"
    shutil.copy(exported.path, forged)
    _edit_with_a_sqlcipher_tool(
        forged, key, "UPDATE review_entry SET kind = 'signed_off', signed_on = '2026-11-24'"
    )
    with pytest.raises(PackProblem, match="altered outside eSafety Desktop"):
        review_packs.read_returned_pack(school.signed_in, forged)
    # the wrong passphrase, and a typo in it
    with pytest.raises(PackProblem, match="does not open"):
        review_packs.open_for_review(exported.path, new_passphrase())
    with pytest.raises(PackProblem, match="typing mistake"):
        review_packs.open_for_review(
            exported.path,
            exported.passphrase[:-1] + ("1" if exported.passphrase.endswith("0") else "0"),
        )


def test_a_pack_from_another_school_is_refused(
    school: School, exported: review_packs.ExportedPack, tmp_path: Path
) -> None:
    from esafety_desktop.services.access import create_school

    other = create_school(
        tmp_path / "other" / "school.db",
        school_name="Another Primary (invented)",
        username="al.dsl",
        display_name="Al Other",
        password="Willow-Harbour-Tandem-55",
        device_secrets=DeviceSecretStore(),
    ).signed_in
    with pytest.raises(PackProblem, match="not a review pack exported from this school"):
        review_packs.read_returned_pack(other, exported.path)
    other.sign_out()


def test_only_the_dsl_exports_and_imports(
    school: School, exported: review_packs.ExportedPack
) -> None:
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    with pytest.raises(NotAllowed):
        review_packs.read_returned_pack(head, exported.path)
    head.sign_out()


def test_the_next_pack_ticks_the_open_cases_not_yet_signed_off(
    school: School, exported: review_packs.ExportedPack
) -> None:
    first, second = sorted(review_packs.cases_for_review(school.signed_in))  # none signed off
    incidents.sign_off(school.signed_in, first, "Seen at the meeting.")
    fresh = _case(school, "A third concern, after the pack")
    assert sorted(review_packs.cases_for_review(school.signed_in)) == sorted([second, fresh])
    # changed after its sign-off, a case is to be reviewed again
    incidents.add_note(school.signed_in, first, "Spoke to the parents again.")
    assert first in review_packs.cases_for_review(school.signed_in)


def test_evidence_files_travel_only_when_chosen_and_are_checked(
    school: School, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import hashlib

    from tests.services.test_incidents import PNG

    case = case_with_screenshot(school, PNG)
    folder = tmp_path_factory.mktemp("packs")
    without = review_packs.export_review_pack(
        school.signed_in, [case], "Pat Head", folder / "a.esreview"
    )
    with_files = review_packs.export_review_pack(
        school.signed_in, [case], "Pat Head", folder / "b.esreview", with_files=True
    )
    plain = review_packs.open_for_review(without.path, without.passphrase)
    assert plain.evidence_files(case) == []
    assert hashlib.sha256(PNG).hexdigest() in " ".join(plain.record(case, "x").evidence)
    plain.close()
    full = review_packs.open_for_review(with_files.path, with_files.passphrase)
    assert full.evidence_files(case) == [("chat.png", PNG)]
    full.close()
    # a swapped picture is caught
    key = pack_key(parse_passphrase(with_files.passphrase))
    other = PNG + b"changed"
    _edit_with_a_sqlcipher_tool(
        with_files.path,
        key,
        "UPDATE pack_attachment SET content = ?, sha256 = ?",
        (other, hashlib.sha256(other).hexdigest()),
    )
    with pytest.raises(PackProblem, match=r"evidence file chat\.png was changed"):
        review_packs.open_for_review(with_files.path, with_files.passphrase)


def _edit_with_a_sqlcipher_tool(
    path: Path, key: bytes, sql: str, parameters: tuple[object, ...] = ()
) -> None:
    """What someone holding the passphrase could do outside eSafety Desktop."""
    connection = sqlcipher3.dbapi2.connect(str(path))
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    connection.execute(sql, parameters)
    connection.commit()
    connection.close()


def case_with_screenshot(school: School, content: bytes) -> int:
    """A cyberbullying case with a screenshot kept as evidence (file name chat.png)."""
    from esafety_desktop.domain.evidence import EvidenceKind
    from tests.services.test_incidents import BULLYING

    case = incidents.record_incident(school.signed_in, _new(_pupil(school), BULLYING)).id
    incidents.add_evidence(
        school.signed_in,
        case,
        EvidenceKind.SCREENSHOT,
        "Group chat",
        file_name="chat.png",
        content=content,
    )
    return case

"""What a reviewer can add to a pack: a sign-off once (dated today or earlier), a correction to
it afterwards; printing and saving recorded; entries identified so a pack comes back twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from esafety_desktop.errors import InvalidInput
from esafety_desktop.services import incidents, review_packs
from esafety_desktop.services.audit_log import audit_entries
from tests.conftest import School, new_pc
from tests.services.test_review_packs import exported  # noqa: F401 - a fixture

HOME_TIME = datetime(2026, 11, 28, 20, 15).astimezone()


def _open(pack: review_packs.ExportedPack, school: School) -> review_packs.OpenPack:
    school.clock.set(HOME_TIME)
    return review_packs.open_for_review(pack.path, pack.passphrase, clock=school.clock)


def test_a_sign_off_is_given_once_never_dated_ahead_and_corrected_afterwards(
    school: School,
    exported: review_packs.ExportedPack,  # noqa: F811
) -> None:
    new_pc()
    pack = _open(exported, school)
    first = pack.cases()[0].incident_id
    today = HOME_TIME.date()
    with pytest.raises(InvalidInput, match="later than today"):
        pack.add(
            first, review_packs.SIGNED_OFF, reviewer="Pat Head", signed_on=today + timedelta(days=1)
        )
    with pytest.raises(InvalidInput, match="no sign-off of this case to correct"):
        pack.add(first, review_packs.CORRECTION, reviewer="Pat Head", text="Meant Tuesday.")
    pack.add(first, review_packs.SIGNED_OFF, reviewer="Pat Head", signed_on=today)
    with pytest.raises(InvalidInput, match=r"already signed off .* add a correction"):
        pack.add(first, review_packs.SIGNED_OFF, reviewer="Pat Head", signed_on=today)
    with pytest.raises(InvalidInput, match="Write what the correction is"):
        pack.add(first, review_packs.CORRECTION, reviewer="Pat Head", text=" ")
    pack.add(first, review_packs.CORRECTION, reviewer="Pat Head", text="Meant Tuesday.")
    assert [e.kind for e in pack.entries(first)] == ["signed_off", "correction"]
    assert review_packs.entry_when(pack.entries(first)[0]) == HOME_TIME.replace(tzinfo=None)
    pack.close()


def test_what_review_mode_printed_or_saved_reaches_the_audit_log_not_the_chronology(
    school: School,
    exported: review_packs.ExportedPack,  # noqa: F811
    tmp_path: Path,
) -> None:
    new_pc()
    pack = _open(exported, school)
    first = pack.cases()[0]
    pdf = pack.record_pdf(first.incident_id, printed_by="Pat Head")
    pack.printed(first.incident_id, 3, "Pat Head")
    copy = tmp_path / "Documents" / "record.pdf"
    copy.parent.mkdir()
    pack.save_printout(first.incident_id, pdf, copy, "")  # no name typed: the pack's reviewer
    assert copy.read_bytes() == pdf
    assert [e.kind for e in pack.entries()] == ["printed", "saved"]
    assert pack.entries()[1].reviewer == "Pat Head" and pack.entries()[1].text == str(copy)
    pack.close()
    before = len(incidents.chronology(school.signed_in, first.incident_id))
    returned = review_packs.read_returned_pack(school.signed_in, exported.path)
    done = review_packs.import_review(school.signed_in, returned)
    assert (
        done.sentence() == f"Added {first.reference}: 1 × printed, 1 × saved as an unencrypted pdf."
    )
    assert len(incidents.chronology(school.signed_in, first.incident_id)) == before
    actions = {e.action: e for e in audit_entries(school.signed_in)}
    saved = actions["document.saved_unencrypted"].details
    assert saved["file"] == str(copy) and saved["in_review_mode_by"] == "Pat Head"
    assert actions["document.printed"].details["pages"] == "3 pages"


def test_a_pack_imported_by_an_older_version_is_not_imported_again(
    school: School,
    exported: review_packs.ExportedPack,  # noqa: F811
) -> None:
    """Before 0009 the entries taken were not kept: taking them again could duplicate them."""
    from sqlalchemy import update

    from esafety_desktop.storage.models import ReviewPack

    with school.signed_in.database.transaction() as session:
        session.execute(
            update(ReviewPack).values(
                imported_at=datetime(2026, 11, 20, 9, 0), imported_by_name="Jo Bloggs"
            )
        )
    with pytest.raises(review_packs.PackProblem, match=r"earlier version .* nothing is imported"):
        review_packs.read_returned_pack(school.signed_in, exported.path)

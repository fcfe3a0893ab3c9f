"""The Agreements page driven as the DSL would: issue, print, record a class by keyboard,
correct, and hand IT its list."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.people import PersonKind
from esafety_desktop.services import agreements, people
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.agreement_dialogs import ReturnedFormsDialog
from esafety_desktop.ui.pages.agreements import AgreementsPage
from tests.conftest import School
from tests.ui.waiting import press_ok, settle

NAMES = [f"Pupil{n:02d}" for n in range(30)]


def _class_of_30(school: School) -> list[int]:
    return people.add_people(
        school.signed_in,
        [
            people.PersonForm(
                PersonKind.PUPIL,
                name,
                "Oak",
                date_of_birth=date(2016, 5, 1),
                year_group="4",
                class_name="4B",
                start_date=date(2022, 9, 5),
            )
            for name in NAMES
        ],
    )


def _page(qtbot: QtBot, school: School) -> AgreementsPage:
    page = AgreementsPage(school.signed_in)
    qtbot.addWidget(page)
    page.show()
    return page


def test_a_class_of_30_is_recorded_with_the_keyboard_alone(qtbot: QtBot, school: School) -> None:
    _class_of_30(school)
    page = _page(qtbot, school)
    assert page.none_issued.isVisible()
    dialogs.set_next_answer(True)
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert not page.none_issued.isVisible()
    assert page.count.text() == "30 outstanding, of 30 shown"
    page.record_returned()
    dialog = page.dialog
    assert isinstance(dialog, ReturnedFormsDialog)
    assert dialog.group.currentText() == "Class 4B"
    dialog.people.setFocus()
    # Everyone but the last two brought their form back: Space ticks, Down moves on.
    for _ in range(28):
        qtbot.keyClick(dialog.people, Qt.Key.Key_Space)
        qtbot.keyClick(dialog.people, Qt.Key.Key_Down)
    assert dialog.ticked.text() == "28 ticked of 30 still to sign"
    qtbot.keyClick(dialog.people, Qt.Key.Key_Return)
    settle(qtbot)
    assert not dialog.isVisible()
    outstanding = sorted(page.people.row_at(r).name for r in range(page.people.rowCount()))
    assert outstanding == ["Pupil28 Oak", "Pupil29 Oak"]
    assert page.count.text() == "2 outstanding, of 2 shown"
    counts = {
        page.counts.row_at(r).group.strip(): page.counts.index(r, 3).data()
        for r in range(page.counts.rowCount())
    }
    assert counts["Class 4B"] == "93%"


def test_forms_for_a_class_print_with_the_right_names_and_version(
    qtbot: QtBot, school: School, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ui.printing import on_paper

    _class_of_30(school)
    agreements.issue_starter_agreements(school.signed_in, date(2025, 9, 1), "2025/26")
    page = _page(qtbot, school)
    dialogs.set_next_answer("4B")
    page.print_class_forms()
    settle(qtbot)  # made on the worker
    preview = page.preview
    assert preview.title == "Agreement forms, class 4B"
    out = tmp_path / "forms.pdf"
    dialogs.set_next_answer(on_paper(monkeypatch, out))
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(out).pages) == 30
    shown = bytes(preview._bytes.data())  # what the preview showed and printed
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(shown)).pages]
    assert "Pupil00 Oak" in pages[0] and "Pupil29 Oak" in pages[29]
    assert all("version 2025/26" in p for p in pages)


def test_it_gets_the_cleared_list_as_csv_with_a_warning(
    qtbot: QtBot, school: School, tmp_path: Path
) -> None:
    ids = _class_of_30(school)
    agreements.issue_starter_agreements(school.signed_in, date(2025, 9, 1), "2025/26")
    agreements.record_signatures(school.signed_in, ids[:3], date.today())
    page = _page(qtbot, school)
    target = tmp_path / "cleared.csv"
    dialogs.set_next_answer(str(target))
    dialogs.set_next_answer(True)  # yes, save an unencrypted copy
    dialogs.set_next_answer(None)  # the "Saved" message
    page.save_cleared()
    settle(qtbot)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Pupil00 Oak", "Pupil01 Oak", "Pupil02 Oak"]


def test_the_person_panel_shows_the_agreement_and_takes_a_correction(
    qtbot: QtBot, school: School
) -> None:
    from esafety_desktop.ui.agreement_dialogs import CorrectSignatureDialog
    from esafety_desktop.ui.pages.people import PeoplePage

    ids = _class_of_30(school)
    agreements.issue_starter_agreements(school.signed_in, date(2025, 9, 1), "2025/26")
    agreements.record_signatures(school.signed_in, ids[:1], date.today())
    page = PeoplePage(school.signed_in)
    qtbot.addWidget(page)
    page.show()
    page.select_person(ids[0])
    settle(qtbot)  # the chosen record is read on the worker
    tabs = [page.panel.tabs.tabText(i) for i in range(page.panel.tabs.count())]
    assert tabs == ["Details", "Agreement"]
    tab = page.panel.agreement_tab
    assert tab.status.text().startswith("Covered: Signed")
    tab.signatures.setCurrentRow(0)
    tab.correct()
    dialog = tab.dialog
    assert isinstance(dialog, CorrectSignatureDialog)
    dialog.withdraw.setChecked(True)
    press_ok(qtbot, dialog)
    assert dialog.message.text() == "Say why the signature is being corrected."
    qtbot.keyClicks(dialog.why, "Form belonged to another pupil")
    press_ok(qtbot, dialog)
    assert tab.status.text() == "<b>Not covered</b>: Never signed."
    lines = [tab.signatures.item(i).text() for i in range(tab.signatures.count())]
    assert lines[0].startswith("Withdrawn by Jo Bloggs · why: Form belonged to another pupil")
    assert lines[1].endswith("(corrected later; kept)")


def test_a_schools_own_agreement_is_imported_as_a_pdf_and_kept_encrypted(
    qtbot: QtBot, school: School, tmp_path: Path
) -> None:
    import hashlib

    from esafety_desktop.domain.aup import Audience
    from esafety_desktop.services.exports import recovery_sheet
    from esafety_desktop.ui.agreement_dialogs import NewVersionDialog

    _class_of_30(school)
    agreements.issue_starter_agreements(school.signed_in, date(2025, 9, 1), "2025/26")
    own = tmp_path / "Oak pupil AUP.pdf"
    own.write_bytes(recovery_sheet(school.signed_in, "TEST-KEY"))  # any real PDF will do
    (tmp_path / "photo.pdf").write_bytes(b"\x89PNG not a pdf")
    dialog = NewVersionDialog(school.signed_in, Audience.OLDER_PUPILS, "old words")
    qtbot.addWidget(dialog)
    dialogs.set_next_answer(str(tmp_path / "photo.pdf"))
    dialog.import_pdf()
    assert dialog.message.text() == "photo.pdf is not a PDF."
    dialogs.set_next_answer(str(own))
    dialog.import_pdf()
    qtbot.keyClicks(dialog.label, "2025/26 (school's own)")
    dialog.save()
    settle(qtbot)
    version = next(v for v in agreements.list_versions(school.signed_in) if v.pdf_name)
    assert version.pdf_name == "Oak pupil AUP.pdf"
    assert version.sha256 == hashlib.sha256(own.read_bytes()).hexdigest()
    assert agreements.version_pdf(school.signed_in, version.id) == own.read_bytes()
    stored = b"".join(f.read_bytes() for f in school.path.parent.glob("school.db*"))
    assert len(stored) > len(own.read_bytes())
    assert own.read_bytes()[200:260] not in stored  # kept inside the encrypted database only
    forms = PdfReader(io.BytesIO(agreements.pupil_forms(school.signed_in, "4B")))
    assert "Oak pupil AUP.pdf" in forms.pages[0].extract_text()

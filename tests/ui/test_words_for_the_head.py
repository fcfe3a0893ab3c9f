"""What a headteacher reads: the evidence said as it came with the pack, no file fingerprints
on screen, the audit log in words, and a start straight into review mode on a PC with no
school database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.people import PersonKind
from esafety_desktop.services import people, review_packs
from esafety_desktop.services.app_config import AppConfig
from esafety_desktop.services.review_packs import open_for_review
from esafety_desktop.ui.controller import AppController, StartOptions
from esafety_desktop.ui.pages.audit_log import AuditLogPage
from esafety_desktop.ui.pages.incidents import IncidentsPage
from esafety_desktop.ui.review_window import ReviewOpenWindow, ReviewWindow
from esafety_desktop.ui.setup_wizard import SetupWizard
from tests.conftest import School, new_pc
from tests.services.test_review_packs import case_with_screenshot
from tests.ui.test_unlock_and_lock import finish  # noqa: F401 - a fixture
from tests.ui.waiting import settle

A_SHA256 = re.compile(r"[0-9a-f]{16,64}")


def _png() -> bytes:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def _pack(school: School, folder: Path, *, with_files: bool) -> review_packs.ExportedPack:
    case = case_with_screenshot(school, _png())
    return review_packs.export_review_pack(
        school.signed_in,
        [case],
        "Pat Head",
        folder / f"{'with' if with_files else 'without'}-files{review_packs.PACK_SUFFIX}",
        with_files=with_files,
    )


@pytest.mark.parametrize("with_files", [False, True])
def test_review_mode_says_whether_the_files_came_and_shows_no_fingerprint(
    qtbot: QtBot, school: School, tmp_path: Path, with_files: bool
) -> None:
    made = _pack(school, tmp_path, with_files=with_files)
    window = ReviewWindow(open_for_review(made.path, made.passphrase))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    text = window.record.toPlainText()
    assert "Evidence\n" in text and "descriptions only)" not in text.lower()
    assert "Screenshot: Group chat (file chat.png)" in text
    if with_files:
        assert "The screenshots came with this pack (1 file)" in text
        assert "View the evidence files" in text and "stayed in school" not in text
        assert window.files_button.isEnabled()
    else:
        assert "Descriptions only: the files stayed in school." in text
        assert "came with this pack" not in text
        assert not window.files_button.isEnabled()
        assert "stayed in school" in window.files_button.toolTip()
    # no SHA-256 anywhere on screen (the evidence list and the chronology's evidence entry)
    assert "SHA-256" not in text and not A_SHA256.search(text)
    # ...but the printed record keeps it
    printed = window.pack.record_with_review(window.current_case().incident_id, "Pat Head")
    assert any("SHA-256 " in line for line in printed.evidence)
    window.close()


def test_the_main_case_view_shows_the_file_but_not_its_fingerprint(
    qtbot: QtBot, school: School
) -> None:
    case = case_with_screenshot(school, _png())
    page = IncidentsPage(school.signed_in)
    qtbot.addWidget(page)
    page.show()
    page.select(case)
    settle(qtbot)  # the case is read on the worker
    text = page.case.toPlainText()
    assert "Screenshot: Group chat (file chat.png)" in text
    assert "Evidence: Screenshot" in text  # its chronology entry, also without the fingerprint
    assert "SHA-256" not in text and not A_SHA256.search(text)


def test_the_audit_log_says_its_details_in_words(
    qtbot: QtBot, school: School, tmp_path: Path
) -> None:
    made = _pack(school, tmp_path, with_files=False)
    form = people.PersonForm(PersonKind.STAFF, "Sam", "Patel")
    person = people.add_person(school.signed_in, form)
    form.laptop_asset_tag = "LT-0042"
    form.email = "s.patel@school.invalid"
    people.update_person(school.signed_in, person, form)
    page = AuditLogPage(school.signed_in)
    qtbot.addWidget(page)
    page.show()
    details = [page.model.index(r, 4).data() for r in range(page.model.rowCount())]
    what = [page.model.index(r, 3).data() for r in range(page.model.rowCount())]
    exported = details[what.index("Review pack made for the headteacher")]
    assert f"cases: {made.references[0]};" in exported
    assert "evidence files: 0" in exported and "reviewer: Pat Head" in exported
    changed = details[what.index("Person changed")]
    assert changed == "fields: email, laptop asset tag"
    shown = "\n".join(details)
    assert "['" not in shown and "True" not in shown and "False" not in shown
    assert not re.search(r"\d{4}-\d{2}-\d{2}", shown)  # no ISO dates


def test_started_with_a_pack_on_a_pc_with_no_school_it_opens_the_pack_not_the_setup(
    qtbot: QtBot,
    school: School,
    tmp_path: Path,
    finish,  # noqa: F811
) -> None:
    made = _pack(school, tmp_path, with_files=True)
    new_pc()  # the head's laptop: no keyring entry, no school database, no settings
    controller = AppController(StartOptions(review=made.path), AppConfig.load())
    finish.append(controller)
    controller.start()
    window = controller.window
    assert isinstance(window, ReviewOpenWindow) and window.isVisible()
    assert window.path.text() == str(made.path)
    assert window.no_school_note is not None and window.no_school_note.isVisible()
    assert "This PC has no school database, and that is fine for reviewing" in (
        window.no_school_note.text()
    )
    assert window.focusWidget() is window.passphrase  # the path is there: type the passphrase
    qtbot.keyClicks(window.passphrase, made.passphrase)
    window.open_button.click()
    assert isinstance(controller.window, ReviewWindow)


def test_a_pack_opened_at_school_does_not_say_there_is_no_school(
    qtbot: QtBot,
    school: School,
    tmp_path: Path,
    finish,  # noqa: F811
) -> None:
    made = _pack(school, tmp_path, with_files=False)
    controller = AppController(StartOptions(review=made.path), AppConfig(database=school.path))
    finish.append(controller)
    controller.start()
    assert isinstance(controller.window, ReviewOpenWindow)
    assert controller.window.no_school_note is None


def test_started_without_a_pack_on_a_new_pc_the_setup_offers_review_mode(
    qtbot: QtBot,
    finish,  # noqa: F811
) -> None:
    controller = AppController(StartOptions(), AppConfig.load())
    finish.append(controller)
    controller.start()
    wizard = controller.window
    assert isinstance(wizard, SetupWizard)
    button = wizard.findChild(QPushButton, "reviewInstead")
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # "Open a headteacher's review pack…"
    window = controller.window
    assert isinstance(window, ReviewOpenWindow) and window.path.text() == ""
    assert window.no_school_note is not None

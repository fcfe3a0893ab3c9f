"""The headteacher's offline review through the windows: the DSL exports a pack, the head
reviews it on another PC in review mode, the DSL imports the sign-offs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from esafety_desktop.services import incidents
from esafety_desktop.services.app_config import AppConfig
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.controller import AppController, StartOptions
from esafety_desktop.ui.pages.incidents import IncidentsPage
from esafety_desktop.ui.review_window import ReviewOpenWindow, ReviewWindow
from tests.conftest import School, add_head, new_pc
from tests.services.test_review_packs import MARKER, _case, _head_allegation
from tests.ui.test_unlock_and_lock import finish  # noqa: F401 - a fixture
from tests.ui.waiting import settle


def _ok(dialog: QWidget) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()


def test_export_review_on_another_pc_and_import_the_sign_offs(
    qtbot: QtBot,
    school: School,
    tmp_path_factory: pytest.TempPathFactory,
    finish,  # noqa: F811
) -> None:
    add_head(school)
    first = _case(school)
    second = _case(school, "A group chat turned unkind")
    _head_allegation(school)
    page = IncidentsPage(school.signed_in)
    qtbot.addWidget(page)
    page.show()
    assert page.pack_button.isVisible() and page.import_review_button.isVisible()

    # 1. the DSL exports the pack
    qtbot.mouseClick(page.pack_button, Qt.MouseButton.LeftButton)
    export = page.pack_dialog
    assert export.cases_model.rowCount() == 2  # the allegation about the head is not even offered
    assert sorted(export.chosen()) == sorted([first, second])
    assert export.reviewer.text() == "Pat Head"
    pack = tmp_path_factory.mktemp("usb-stick") / "for-pat.esreview"
    dialogs.set_next_answer(str(pack))
    _ok(export)
    qtbot.waitUntil(lambda: page.findChild(QWidget, "passphraseDialog") is not None, timeout=5000)
    shown = page.findChild(QWidget, "passphraseDialog")
    passphrase = shown.passphrase.text()
    assert pack.exists() and len(passphrase.split("-")) == 7
    shown.accept()

    # 2. the head, at home on another PC, opens it in review mode
    new_pc()
    controller = AppController(StartOptions(review=pack), AppConfig())
    finish.append(controller)
    controller.start()
    opening = controller.window
    assert isinstance(opening, ReviewOpenWindow) and opening.path.text() == str(pack)
    qtbot.keyClicks(opening.passphrase, "AAAA-" + passphrase[5:])
    qtbot.keyClick(opening.passphrase, Qt.Key.Key_Return)
    assert "typing mistake" in opening.message.text() or "does not open" in opening.message.text()
    opening.passphrase.clear()
    qtbot.keyClicks(opening.passphrase, passphrase)
    qtbot.keyClick(opening.passphrase, Qt.Key.Key_Return)
    review = controller.window
    assert isinstance(review, ReviewWindow)
    assert review.cases_model.rowCount() == 2
    row = review.cases_model.row_where(lambda case: case.incident_id == first)
    review.cases.setCurrentIndex(review.cases_model.index(row, 0))
    assert MARKER in review.record.toPlainText()
    qtbot.keyClicks(review.comment, "Parents met; I agree with the actions.")
    qtbot.mouseClick(review.comment_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(review.comment, "Handled well.")
    dialogs.set_next_answer(True)  # "Sign off …?"
    qtbot.mouseClick(review.sign_off_button, Qt.MouseButton.LeftButton)
    assert "signed off" in review.cases.currentIndex().data()
    assert "Handled well." in review.record.toPlainText()
    qtbot.mouseClick(review.print_button, Qt.MouseButton.LeftButton)
    settle(qtbot)  # the record is made on the worker
    printed = PdfReader(io.BytesIO(bytes(review.preview._bytes.data()))).pages
    text = "".join(page_.extract_text() for page_ in printed)
    assert "OFFICIAL-SENSITIVE" in text and "Signed off by Pat Head" in text
    review.preview.reject()
    review.cases.setCurrentIndex(review.cases_model.index(1 - row, 0))
    qtbot.mouseClick(review.reviewed_button, Qt.MouseButton.LeftButton)
    assert "reviewed" in review.cases.currentIndex().data()
    dialogs.set_next_answer(None)  # "Return this pack to your DSL"
    review.close()

    # 3. back at school, the DSL imports it
    dialogs.set_next_answer(str(pack))
    qtbot.mouseClick(page.import_review_button, Qt.MouseButton.LeftButton)
    imported = page.import_dialog
    assert imported is not None and imported.table.model().rowCount() == 3
    assert "Pat Head reviewed the pack" in imported.findChild(type(shown.passphrase)).text()
    dialogs.set_next_answer(None)  # what was added, in words
    imported.add_button.click()
    settle(qtbot)
    assert imported.added == 3
    titles = [e.title for e in incidents.chronology(school.signed_in, first)]
    assert any(t.startswith("Signed off by Pat Head on ") for t in titles)
    assert "Comment by Pat Head" in titles
    assert "Reviewed by Pat Head" in [
        e.title for e in incidents.chronology(school.signed_in, second)
    ]
    # the same copy a second time: nothing new, so nothing can be added twice
    dialogs.set_next_answer(str(pack))
    qtbot.mouseClick(page.import_review_button, Qt.MouseButton.LeftButton)
    again = page.import_dialog
    assert again is not None and not again.add_button.isEnabled()
    assert "nothing new in this copy" in again.about.text()
    again.reject()
    assert Path(pack).exists()


def test_review_mode_shows_the_evidence_files_only_when_they_were_sent(
    qtbot: QtBot, school: School, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor, QImage

    from esafety_desktop.services import review_packs
    from esafety_desktop.services.review_packs import open_for_review
    from tests.services.test_review_packs import case_with_screenshot

    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    png = bytes(buffer.data().data())
    case = case_with_screenshot(school, png)
    folder = tmp_path_factory.mktemp("packs")
    for with_files in (False, True):
        made = review_packs.export_review_pack(
            school.signed_in,
            [case],
            "Pat Head",
            folder / f"{with_files}.esreview",
            with_files=with_files,
        )
        window = ReviewWindow(open_for_review(made.path, made.passphrase))
        qtbot.addWidget(window)
        assert window.files_button.isEnabled() is with_files
        if with_files:
            qtbot.mouseClick(window.files_button, Qt.MouseButton.LeftButton)
            [picture] = window.files.pictures
            assert picture.pixmap().width() > 0
            window.files.accept()
        window.close()

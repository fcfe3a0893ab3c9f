"""The headteacher's offline review, round trip twice, on a 1366×768 laptop: the DSL exports a
pack; the head reviews at home (typing on one case, clicking another, signing off, saving a
copy, closing with something typed); the DSL imports; the head reviews more in the same pack;
the DSL imports again. Every entry lands on the case it was written on, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from esafety_desktop.services import incidents
from esafety_desktop.services.app_config import AppConfig
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.controller import AppController, StartOptions
from esafety_desktop.ui.pages.incidents import IncidentsPage
from esafety_desktop.ui.review_pack_dialogs import PassphraseDialog
from esafety_desktop.ui.review_window import ReviewOpenWindow, ReviewWindow
from tests.conftest import School, add_head, new_pc
from tests.services.test_review_packs import _case
from tests.ui.stepping import click, type_into
from tests.ui.test_unlock_and_lock import finish  # noqa: F401 - a fixture
from tests.ui.waiting import settle

LAPTOP = (1366, 768)


@pytest.fixture
def three_cases(school: School) -> Iterator[dict[str, int]]:
    add_head(school)
    yield {
        "A": _case(school, "Case A: an older boy online asked for photos"),
        "B": _case(school, "Case B: a group chat turned unkind"),
        "C": _case(school, "Case C: a blocked site was reached"),
    }


def _export(qtbot: QtBot, page: IncidentsPage, pack: Path) -> str:
    click(qtbot, page.pack_button)
    export = page.pack_dialog
    dialogs.set_next_answer(str(pack))
    click(qtbot, export.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))
    qtbot.waitUntil(lambda: page.findChild(PassphraseDialog) is not None, timeout=5000)
    shown = page.findChild(PassphraseDialog)
    assert shown is not None
    passphrase = shown.passphrase.text()
    # Esc does not throw the one-time passphrase away without asking
    dialogs.set_next_answer(False)
    qtbot.keyClick(shown, Qt.Key.Key_Escape)
    assert shown.isVisible()
    click(qtbot, shown.copy_button)
    assert QGuiApplication.clipboard().text() == passphrase
    QGuiApplication.clipboard().clear()
    click(qtbot, shown.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))
    return passphrase


def _open_at_home(
    qtbot: QtBot, pack: Path, passphrase: str, controllers: list[AppController]
) -> ReviewWindow:
    controller = AppController(StartOptions(review=pack), AppConfig())
    controllers.append(controller)
    controller.start()
    opening = controller.window
    assert isinstance(opening, ReviewOpenWindow)
    type_into(qtbot, opening.passphrase, passphrase)
    qtbot.keyClick(opening.passphrase, Qt.Key.Key_Return)
    review = controller.window
    assert isinstance(review, ReviewWindow)
    review.resize(*LAPTOP)
    return review


def _choose(review: ReviewWindow, case_id: int) -> None:
    row = review.cases_model.row_where(lambda case: case.incident_id == case_id)
    assert row is not None
    review.cases.setCurrentIndex(review.cases_model.index(row, 0))


def _import(qtbot: QtBot, page: IncidentsPage, pack: Path) -> str:
    dialogs.set_next_answer(str(pack))
    click(qtbot, page.import_review_button)
    imported = page.import_dialog
    assert imported is not None
    if imported.add_button.isEnabled():
        dialogs.set_next_answer(None)  # the sentence saying what was added
        click(qtbot, imported.add_button)
        settle(qtbot)
        assert not imported.isVisible(), imported.message.text()
    return dialogs.shown[-1][1]


def _review_entries(school: School, case_id: int) -> list[tuple[str, str]]:
    return [
        (e.title, e.text)
        for e in incidents.chronology(school.signed_in, case_id)
        if e.kind in ("review", "review_note")
    ]


def test_the_whole_round_trip_twice_puts_every_entry_on_its_own_case_once(
    qtbot: QtBot,
    school: School,
    three_cases: dict[str, int],
    tmp_path_factory: pytest.TempPathFactory,
    finish: list[AppController],  # noqa: F811
) -> None:
    a, b, c = three_cases["A"], three_cases["B"], three_cases["C"]
    late = school.signed_in.clock.today() - timedelta(days=3)
    incidents.add_action(school.signed_in, b, "Phone both families", "Jo Bloggs", late)
    page = IncidentsPage(school.signed_in)
    qtbot.addWidget(page)
    page.resize(*LAPTOP)
    page.show()
    pack = tmp_path_factory.mktemp("usb-stick") / "for-pat.esreview"
    passphrase = _export(qtbot, page, pack)

    # -- the head at home --------------------------------------------------------------------
    new_pc()
    review = _open_at_home(qtbot, pack, passphrase, finish)
    _choose(review, a)
    assert "Where the case stands" in review.record.toPlainText()
    type_into(qtbot, review.comment, "A: parents met; I agree with the actions.")
    _choose(review, b)  # clicked another case mid-typing
    assert f"Phone both families: Jo Bloggs, due {late:%d/%m/%Y} (overdue)" in (
        review.record.toPlainText()
    )
    assert review.comment.toPlainText() == ""  # the box belongs to case B now
    click(qtbot, review.comment_button)
    assert "Write the comment first" in review.message.text()
    assert review.pack.entries(b) == []  # nothing landed on B
    _choose(review, a)
    assert review.comment.toPlainText() == "A: parents met; I agree with the actions."
    click(qtbot, review.comment_button)
    type_into(qtbot, review.comment, "A: handled well.")
    dialogs.set_next_answer(True)  # "Sign off OS-…?"
    click(qtbot, review.sign_off_button)
    assert not review.sign_off_button.isEnabled() and review.correct_button.isEnabled()
    shown = review.record.toPlainText()
    assert "Signed off by Pat Head" in shown
    # each entry with the date and time it was made
    assert f"{datetime.now():%d/%m/%Y} " in shown.split("Your review")[1]
    # save a copy of A's record: Documents by default, the place shown, kept in the pack
    click(qtbot, review.print_button)
    settle(qtbot)
    saved = tmp_path_factory.mktemp("documents") / "record-a.pdf"
    dialogs.set_next_answer(True)  # "Save an unencrypted copy?"
    dialogs.set_next_answer(str(saved))
    click(qtbot, review.preview.save_button)
    assert saved.exists() and str(saved) in review.preview.saved_label.text()
    review.preview.reject()
    _choose(review, b)
    click(qtbot, review.reviewed_button)
    _choose(review, c)
    type_into(qtbot, review.comment, "C: check the filter logs.")
    dialogs.set_next_answer(False)  # "Close without adding what you typed?" no: keep it open
    review.close()
    assert review.isVisible() and review.comment.toPlainText() == "C: check the filter logs."
    click(qtbot, review.comment_button)
    dialogs.set_next_answer(None)  # "Return this pack to your DSL"
    review.close()
    assert not review.isVisible()
    assert dialogs.shown[-1][0] == "Return this pack to your DSL"

    # -- back at school: the first import ---------------------------------------------------
    said = _import(qtbot, page, pack)
    assert "1 × comment, 1 × signed off, 1 × saved as an unencrypted pdf" in said
    assert [t for t, _ in _review_entries(school, a)][:1] == ["Comment by Pat Head"]
    assert _review_entries(school, a)[0][1] == "A: parents met; I agree with the actions."
    assert _review_entries(school, a)[1][0].startswith("Signed off by Pat Head on ")
    assert _review_entries(school, b) == [("Reviewed by Pat Head", "")]
    assert _review_entries(school, c) == [("Comment by Pat Head", "C: check the filter logs.")]
    saves = [e for e in audit_entries(school.signed_in) if e.action == "document.saved_unencrypted"]
    assert len(saves) == 1 and saves[0].details["in_review_mode_by"] == "Pat Head"

    # -- the head reviews more in the same pack ---------------------------------------------
    review = _open_at_home(qtbot, pack, passphrase, finish)
    _choose(review, a)
    type_into(qtbot, review.comment, "Correction: the meeting was on Tuesday.")
    click(qtbot, review.correct_button)
    _choose(review, b)
    type_into(qtbot, review.comment, "B: please check in with both families.")
    click(qtbot, review.comment_button)
    dialogs.set_next_answer(None)
    review.close()

    # -- the second import takes only what is new -------------------------------------------
    said = _import(qtbot, page, pack)
    assert "1 × correction to the sign-off" in said and "1 × comment" in said
    assert [t for t, _ in _review_entries(school, a)] == [
        "Comment by Pat Head",
        _review_entries(school, a)[1][0],
        "Correction to the sign-off by Pat Head",
    ]
    assert _review_entries(school, b) == [
        ("Reviewed by Pat Head", ""),
        ("Comment by Pat Head", "B: please check in with both families."),
    ]
    assert len(_review_entries(school, c)) == 1
    # and the same copy a third time adds nothing
    _import(qtbot, page, pack)
    assert page.import_dialog is not None and not page.import_dialog.add_button.isEnabled()
    assert "nothing new in this copy" in page.import_dialog.about.text()
    assert len(_review_entries(school, a)) == 3 and len(_review_entries(school, b)) == 2
    page.import_dialog.reject()

"""Choosing the cases of a review pack in the export dialog, as a DSL would: open and recent
cases first, those not yet signed off ticked, all or none, a live count; the next pack ticks
again what the head left unsigned."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from esafety_desktop.services import incidents, review_packs
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.pages.incidents import IncidentsPage
from esafety_desktop.ui.review_pack_dialogs import ExportPackDialog
from tests.conftest import School, add_head
from tests.services.test_review_choice import NOW, _case_on
from tests.services.test_review_packs import _head_allegation
from tests.ui.stepping import click


def _ticked(dialog: ExportPackDialog) -> list[str]:
    return [case.reference for case in dialog.cases_model.ticked()]


def _reference(case: int, dialog: ExportPackDialog) -> str:
    return next(c.reference for c in dialog.choice.cases if c.incident_id == case)


def _click_tick_box(qtbot: QtBot, dialog: ExportPackDialog, case: int) -> None:
    """A click on the case's tick box (at the start of its row)."""
    row = dialog.cases_model.row_where(lambda c: c.incident_id == case)
    assert row is not None
    box = dialog.cases.visualRect(dialog.cases_model.index(row, 0))
    at = QPoint(box.left() + 12, box.center().y())
    qtbot.mouseClick(dialog.cases.viewport(), Qt.MouseButton.LeftButton, pos=at)


def _open_export(qtbot: QtBot, page: IncidentsPage) -> ExportPackDialog:
    click(qtbot, page.pack_button)
    dialog = page.pack_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    return dialog


def _spoken_name(widget: QWidget) -> str:
    """The name a screen reader is given (a label's is its text unless one was set)."""
    from PySide6.QtGui import QAccessible

    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def _unnamed(dialog: QWidget) -> list[str]:
    """Widgets a screen reader would meet without a name."""
    kinds = (QAbstractButton, QLineEdit, QAbstractItemView, QLabel)
    return [
        f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}"
        for w in dialog.findChildren(QWidget)
        if isinstance(w, kinds)
        and w.isVisible()
        and not _spoken_name(w)
        and not (isinstance(w, QLabel) and not w.text())
        and w.parent() is not None
        and not isinstance(w.parent(), QAbstractItemView)  # a table's own scroll parts
    ]


def test_choosing_the_cases_and_the_next_pack_ticks_what_was_not_signed_off(
    qtbot: QtBot, school: School, tmp_path: Path
) -> None:
    add_head(school)
    old_closed = _case_on(school, NOW - timedelta(days=700), "Closed long ago", closed=True)
    recent_closed = _case_on(school, NOW - timedelta(days=30), "Closed last month", closed=True)
    signed_open = _case_on(school, NOW - timedelta(days=10), "Open, already signed off")
    newest_open = _case_on(school, NOW - timedelta(days=2), "Open, this week")
    with school.clock.at(NOW - timedelta(days=5)):
        incidents.sign_off(school.signed_in, signed_open, "Seen; handled well.")
    with school.clock.at(NOW - timedelta(days=1)):
        _head_allegation(school)
    school.clock.set(NOW)
    page = IncidentsPage(school.signed_in)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()

    # 1. the first pack: open and recent first; ticked only what is not yet signed off and is
    # open or recent (never the case closed two years ago)
    export = _open_export(qtbot, page)
    ref = {case: _reference(case, export) for case in (old_closed, recent_closed)}
    ref |= {case: _reference(case, export) for case in (signed_open, newest_open)}
    listed = [export.cases_model.row_at(n).reference for n in range(4)]
    assert listed == [ref[newest_open], ref[signed_open], ref[recent_closed], ref[old_closed]]
    assert _ticked(export) == [ref[newest_open], ref[recent_closed]]
    assert export.count.text() == "2 of 4 cases chosen"
    row = export.cases_model.row_where(lambda c: c.incident_id == signed_open)
    assert row is not None
    columns = [
        export.cases_model.headerData(n, Qt.Orientation.Horizontal)
        for n in range(export.cases_model.columnCount())
    ]
    assert columns == ["Case", "Type", "Status", "Reported", "Reviewed", "Last changed"]
    shown = [export.cases_model.index(row, n).data() for n in range(len(columns))]
    assert shown[2] == "Open" and shown[4].startswith("Signed off ")
    assert shown[3] == f"{NOW - timedelta(days=10):%d/%m/%Y}"
    assert export.left_out.isVisible()
    assert export.left_out.text().startswith("1 allegation about the headteacher is left out")
    assert _unnamed(export) == []
    screen = (1366, 768)
    assert export.width() <= screen[0] and export.frameGeometry().height() <= screen[1] - 40
    assert export.minimumSizeHint().height() <= 600

    # 2. none: the count says so and Save is refused with the reason
    click(qtbot, export.tick_none)
    assert _ticked(export) == []
    assert export.count.text() == "0 of 4 cases chosen. Tick at least one case to save a pack."
    assert not export.save_button.isEnabled()
    assert export.save_button.toolTip() == "Tick at least one case to save a pack."
    qtbot.mouseClick(export.save_button, Qt.MouseButton.LeftButton)  # greyed: nothing happens
    assert export.isVisible() and dialogs.shown == []

    # 3. all, then every case not yet signed off (however old)
    click(qtbot, export.tick_all)
    assert export.count.text() == "4 of 4 cases chosen" and export.save_button.isEnabled()
    assert export.tick_unreviewed.text() == "Not yet re&viewed (3)"
    click(qtbot, export.tick_unreviewed)
    assert _ticked(export) == [ref[newest_open], ref[recent_closed], ref[old_closed]]

    # 4. by hand: a click on a box, and Space on the chosen row
    click(qtbot, export.tick_none)
    _click_tick_box(qtbot, export, newest_open)
    assert _ticked(export) == [ref[newest_open]] and export.count.text() == "1 of 4 cases chosen"
    row = export.cases_model.row_where(lambda c: c.incident_id == old_closed)
    assert row is not None
    export.cases.setFocus()
    export.cases.setCurrentIndex(export.cases_model.index(row, 0))
    qtbot.keyClick(export.cases, Qt.Key.Key_Space)
    assert _ticked(export) == [ref[newest_open], ref[old_closed]]
    assert export.count.text() == "2 of 4 cases chosen"

    # 5. saved; the head signs off one of the two and the pack is imported
    pack = tmp_path / "for-pat.esreview"
    dialogs.set_next_answer(str(pack))
    click(qtbot, export.save_button)
    qtbot.waitUntil(lambda: page.findChild(QWidget, "passphraseDialog") is not None, timeout=5000)
    shown_once = page.findChild(QWidget, "passphraseDialog")
    passphrase = shown_once.passphrase.text()
    box = shown_once.findChild(QDialogButtonBox)
    click(qtbot, box.button(QDialogButtonBox.StandardButton.Ok))
    opened = review_packs.open_for_review(pack, passphrase, school.clock)
    opened.add(newest_open, review_packs.SIGNED_OFF, reviewer="Pat Head", signed_on=NOW.date())
    opened.close()
    school.clock.set(NOW + timedelta(days=2))
    returned = review_packs.read_returned_pack(school.signed_in, pack)
    review_packs.import_review(school.signed_in, returned)

    # 6. the next pack ticks the case sent and not signed off; not the one signed off, nor
    # the closed case the DSL left out of the last pack and nobody has changed since
    again = _open_export(qtbot, page)
    assert _ticked(again) == [ref[old_closed]]
    assert again.count.text() == "1 of 4 cases chosen"
    reviewed = {again.cases_model.row_at(n).incident_id: n for n in range(4)}
    assert again.cases_model.index(reviewed[newest_open], 4).data().startswith("Signed off ")
    assert "since the last pack" in again.findChild(QLabel, "aboutThePack").text()
    again.reject()

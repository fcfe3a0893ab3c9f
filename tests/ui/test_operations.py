"""Changes made in the main window: saved on the worker, shown once where they were made, and
caught up by the other pages when they are next shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from esafety_desktop.services import incidents
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.incidents.wizard_pages import SummaryPage
from esafety_desktop.ui.main_window import MainWindow
from tests.conftest import School
from tests.ui.stepping import click, press
from tests.ui.test_incident_wizard import _amy, record_bullying_walk
from tests.ui.waiting import settle


def _record_bullying_case(qtbot: QtBot, main: MainWindow) -> None:
    click(qtbot, main.incidents.new_button)
    settle(qtbot)  # the register is read on the worker, then the wizard opens
    wizard = main.incidents.wizard
    record_bullying_walk(qtbot, wizard)
    assert isinstance(wizard.currentPage(), SummaryPage)
    press(qtbot, wizard, QWizard.WizardButton.FinishButton)
    # While it is being saved: Back, Next, Finish again and Esc do nothing (the buttons are
    # greyed out, so these clicks land on nothing a person could press).
    for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton):
        qtbot.mouseClick(wizard.button(which), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    settle(qtbot)
    assert not wizard.isVisible()


def test_a_case_recorded_in_the_window_is_listed_once_and_the_log_catches_up(
    qtbot: QtBot, school: School, main: MainWindow
) -> None:
    _amy(school)
    audit = main.show_page("Audit log")
    logged_before = main.audit_log.model.rowCount()  # type: ignore[union-attr]
    main.show_page("Incidents")
    _record_bullying_case(qtbot, main)

    page = main.incidents
    assert page.model.rowCount() == 1 and page.count.text() == "1 case"
    [case] = incidents.list_incidents(school.signed_in)  # recorded once
    assert incidents.my_drafts(school.signed_in) == []  # and no draft of it left behind
    assert page.model.row_at(0).id == case.id and page.selected_id == case.id
    assert case.summary in page.case.toPlainText()

    dialogs.set_next_answer("Spoke to Amy's mother.")
    qtbot.mouseClick(page.case_actions.note_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert "Spoke to Amy's mother." in page.case.toPlainText()
    assert page.model.rowCount() == 1  # the row was redrawn, not added again

    assert main.show_page("Audit log") is audit
    assert main.audit_log.model.rowCount() > logged_before  # type: ignore[union-attr]


def test_a_change_lands_on_its_own_case_when_another_is_chosen_before_it_is_saved(
    qtbot: QtBot, school: School, main: MainWindow
) -> None:
    from tests.services.test_incidents import NUDES_REFERRED, _new

    amy = _amy(school)
    first = incidents.record_incident(school.signed_in, _new(amy, NUDES_REFERRED))
    second = incidents.record_incident(school.signed_in, _new(amy, NUDES_REFERRED))
    main.show_page("Incidents")
    page = main.incidents
    page.refresh()
    settle(qtbot)
    page.select(first.id)
    settle(qtbot)  # the chosen record is read on the worker
    qtbot.mouseClick(page.case_actions.status_button, Qt.MouseButton.LeftButton)
    dialog = page.case_actions.dialog
    dialog.status.setCurrentIndex(dialog.status.findData("monitoring"))  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.reasons, "Referral made; watching for now.")  # type: ignore[attr-defined]
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)  # type: ignore[attr-defined]
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    page.select(second.id)  # chosen before the save has come back
    settle(qtbot)
    rows = {page.model.row_at(r).id: page.model.row_at(r) for r in range(page.model.rowCount())}
    assert rows[first.id].status.value == "monitoring"  # its row shows the change
    assert rows[second.id].status.value == second.status.value
    assert page.selected_id == second.id and second.reference in page.case.toPlainText()

"""The incident wizard on a really full disk: Finish says why, nothing typed is lost, and the
case is saved once space is freed."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from esafety_desktop.services import incidents
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.incident_wizard import IncidentWizard
from esafety_desktop.ui.incidents.wizard_pages import SummaryPage
from tests.conftest import SmallDisk
from tests.services.test_disk_full import school_on, shrink_journal
from tests.ui.stepping import click
from tests.ui.test_incident_wizard import AMY_SAID, _amy, record_bullying_walk
from tests.ui.waiting import settle


def test_finish_on_a_full_disk_keeps_the_wizard_and_saves_once_space_is_freed(
    qtbot: QtBot, small_disk: SmallDisk
) -> None:
    school = school_on(small_disk)
    me = school.signed_in
    _amy(school)
    wizard = IncidentWizard(me)
    qtbot.addWidget(wizard)
    wizard.show()
    record_bullying_walk(qtbot, wizard)
    page = wizard.currentPage()
    assert isinstance(page, SummaryPage)
    shrink_journal(me)
    small_disk.fill()

    finish = wizard.button(QWizard.WizardButton.FinishButton)
    click(qtbot, finish)
    settle(qtbot)
    assert wizard.currentPage() is page  # still on the summary, saying why
    assert "The disk is full" in page.message.text() and "Nothing was lost" in page.message.text()
    assert wizard.isVisible() and incidents.list_incidents(me) == []
    # closing now would lose what was typed since the last draft: it asks, and stays open
    dialogs.set_next_answer(False)  # "Keep it open"
    wizard.reject()
    settle(qtbot)
    title, text = dialogs.shown[-1]
    assert title == "The draft could not be saved" and "The disk is full" in text
    assert wizard.isVisible()
    assert wizard.report.summary.toPlainText() == AMY_SAID
    assert finish.isEnabled()  # Finish can be pressed again

    small_disk.free()
    click(qtbot, finish)
    settle(qtbot)
    assert not wizard.isVisible()
    [case] = incidents.list_incidents(me)
    assert case.summary == AMY_SAID
    assert incidents.my_drafts(me) == []
    me.sign_out()

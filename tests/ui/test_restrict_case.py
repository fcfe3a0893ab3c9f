"""Restricting a case from the case view, as a DSL does it: "Restrict…" under the case, the
head ticked, "Restrict the case". The case stays in the DSL's list under its reference, with a
new id; the head, signing in, sees nothing. Driven by clicking, ticking and keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.roles import Role
from esafety_desktop.services import accounts, incidents
from esafety_desktop.services.access import sign_in
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.ui.focus import focusable_in_order
from esafety_desktop.ui.incidents.restrict_dialog import LIMIT, RestrictDialog
from esafety_desktop.ui.pages.incidents import IncidentsPage
from tests.conftest import HEAD_PASSWORD, School, add_head
from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil
from tests.ui.stepping import click
from tests.ui.test_accessibility import accessibility_problems, focus_problems, shortcut_problems
from tests.ui.test_screen_fit import window_problems
from tests.ui.waiting import settle


def _a_case_on_the_page(qtbot: QtBot, school: School) -> tuple[IncidentsPage, str]:
    """The head's account, one ordinary case, and the Incidents page with the case chosen
    (clicked in the list)."""
    add_head(school)
    case = incidents.record_incident(school.signed_in, _new(_pupil(school), NUDES_REFERRED))
    page = IncidentsPage(school.signed_in)
    qtbot.addWidget(page)
    page.resize(1300, 650)
    page.show()
    settle(qtbot)
    _click_row(qtbot, page, 0)
    assert page.selected_id == case.id
    return page, case.reference


def _click_row(qtbot: QtBot, page: IncidentsPage, row: int) -> None:
    at = page.table.visualRect(page.model.index(row, 0)).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=at)
    settle(qtbot)


def _open_the_dialog(qtbot: QtBot, page: IncidentsPage) -> RestrictDialog:
    click(qtbot, page.case_actions.restrict_button)
    settle(qtbot)  # the other accounts are read on the worker
    dialog = page.case_actions.dialog
    assert isinstance(dialog, RestrictDialog) and dialog.isVisible()
    return dialog


def _box(dialog: RestrictDialog, text: str) -> QCheckBox:
    return next(box for box in dialog.boxes.values() if box.text() == text)


def _cases_shown(page: IncidentsPage) -> list[incidents.IncidentSummary]:
    return [page.model.row_at(row) for row in range(page.model.rowCount())]


def test_a_dsl_restricts_a_case_from_the_head(qtbot: QtBot, school: School) -> None:
    page, reference = _a_case_on_the_page(qtbot, school)
    button = page.case_actions.restrict_button
    assert button.isVisible() and button.isEnabled()

    dialog = _open_the_dialog(qtbot, page)
    assert dialog.windowTitle() == "Restrict this case"
    assert [box.text() for box in dialog.boxes.values()] == ["Pat Head (Headteacher)"]
    assert LIMIT in dialog.limit.text()
    click(qtbot, _box(dialog, "Pat Head (Headteacher)"))
    click(qtbot, dialog.restrict_button)
    settle(qtbot)
    assert not dialog.isVisible(), dialog.message.text()

    # Still in the DSL's list, under the same reference, now sealed (a negative id), and still
    # the case chosen.
    [shown] = _cases_shown(page)
    assert shown.reference == reference and shown.id < 0
    assert shown.id == dialog.new_id == page.selected_id
    assert reference in page.case.toPlainText()
    # A restricted case is not restricted again.
    assert button.isVisible() and not button.isEnabled()
    assert button.toolTip() == "This case is restricted already"

    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    try:
        assert incidents.list_incidents(head) == []
    finally:
        head.sign_out()


def test_nothing_is_restricted_until_an_account_is_ticked_and_esc_changes_nothing(
    qtbot: QtBot, school: School
) -> None:
    page, reference = _a_case_on_the_page(qtbot, school)
    [before] = _cases_shown(page)
    dialog = _open_the_dialog(qtbot, page)
    head = _box(dialog, "Pat Head (Headteacher)")
    assert not dialog.restrict_button.isEnabled()
    # The keyboard starts on the first account; Space ticks it, and Tab goes on to the button.
    assert dialog.focusWidget() is head
    qtbot.keyClick(head, Qt.Key.Key_Space)
    assert head.isChecked() and dialog.restrict_button.isEnabled()
    assert focusable_in_order(dialog) == [head, dialog.restrict_button, dialog.cancel_button]
    qtbot.keyClick(head, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.restrict_button
    click(qtbot, head)  # ticked off again
    assert not head.isChecked() and not dialog.restrict_button.isEnabled()
    click(qtbot, head)

    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    settle(qtbot)
    assert incidents.list_incidents(school.signed_in) == [before]
    assert _cases_shown(page) == [before] and before.reference == reference
    assert page.case_actions.restrict_button.isEnabled()


def test_a_refusal_is_said_in_the_dialog_and_the_ticks_are_kept(
    qtbot: QtBot, school: School
) -> None:
    from esafety_desktop.services.restricting import restrict_case

    page, _reference = _a_case_on_the_page(qtbot, school)
    chosen = page.selected_id
    assert chosen is not None
    dialog = _open_the_dialog(qtbot, page)
    head = _box(dialog, "Pat Head (Headteacher)")
    click(qtbot, head)
    # Meanwhile the case is restricted from elsewhere: the one chosen is gone.
    restrict_case(school.signed_in, chosen, list(dialog.boxes))
    click(qtbot, dialog.restrict_button)
    settle(qtbot)
    assert dialog.isVisible()
    assert dialog.message.text() == "That incident does not exist."
    assert head.isChecked() and dialog.restrict_button.isEnabled()
    click(qtbot, dialog.cancel_button)
    assert not dialog.isVisible()


def test_only_a_dsl_or_deputy_is_offered_restricting(qtbot: QtBot, school: School) -> None:
    _a_case_on_the_page(qtbot, school)
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    try:
        page = IncidentsPage(head)
        qtbot.addWidget(page)
        page.show()
        settle(qtbot)
        assert not page.case_actions.restrict_button.isVisibleTo(page)
    finally:
        page.close()
        head.sign_out()


def test_the_dialog_reads_well_fits_a_laptop_and_names_every_control(
    qtbot: QtBot, school: School
) -> None:
    page, _reference = _a_case_on_the_page(qtbot, school)
    for number in range(12):  # a large staff: the list of accounts scrolls
        accounts.add_account(
            school.signed_in,
            username=f"staff{number}",
            display_name=f"Staff Member {number:02d}",
            role=Role.ONLINE_SAFETY_LEAD if number % 2 else Role.DEPUTY_DSL,
            password=f"Granite-Willow-Parcel-{number:02d}x",
        )
    dialog = _open_the_dialog(qtbot, page)
    assert len(dialog.boxes) == 13
    settle(qtbot)
    assert window_problems(dialog) == []
    assert accessibility_problems(dialog) == []
    assert shortcut_problems(dialog) == []
    assert shortcut_problems(page) == []
    assert focus_problems(dialog) == []
    assert all(box.accessibleName() for box in dialog.boxes.values())
    click(qtbot, dialog.cancel_button)

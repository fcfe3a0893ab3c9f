"""Driving a flowchart step's form as a DSL would: clicking the answer, typing what it asks."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QRadioButton, QWidget, QWizard
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.incidents import StepState
from esafety_desktop.ui.incident_wizard import IncidentWizard
from esafety_desktop.ui.incidents.step_form import StepForm
from esafety_desktop.ui.incidents.wizard_pages import StepPage


def click(qtbot: QtBot, widget: QWidget) -> None:
    assert widget.isVisible() and widget.isEnabled(), f"{widget!r} cannot be clicked"
    if isinstance(widget, (QRadioButton, QCheckBox)):
        # On its circle or box: a wide row's middle may be past its text, which is no click.
        at = QPoint(8, widget.height() // 2)
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=at)
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Select what the box holds and type over it, a key at a time (letters beyond ASCII, as in
    Łucja, go as the keyboard would send them: Qt's test keys know only ASCII)."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    for character in text:
        if character.isascii():
            qtbot.keyClicks(widget, character)
        else:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click,
                widget,
                Qt.Key.Key_unknown,
                character,
                Qt.KeyboardModifier.NoModifier,
            )


def _tab_into(qtbot: QtBot, widget: QWidget) -> None:
    """Reach a date box with Tab, as a person would: its first section (the day) is selected."""
    widget.window().activateWindow()
    widget.clearFocus()
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def type_date(qtbot: QtBot, widget: QWidget, day: date) -> None:
    """Day, month and year typed into a date box (each section moves on when full)."""
    _tab_into(qtbot, widget)
    qtbot.keyClicks(widget, f"{day:%d%m%Y}")
    typed = widget.date().toPython()  # type: ignore[attr-defined]
    assert typed == day, f"typed {day}, the box says {typed}"


def type_moment(qtbot: QtBot, widget: QWidget, moment: datetime) -> None:
    """Day, month, year, hours and minutes typed into a date-and-time box."""
    _tab_into(qtbot, widget)
    qtbot.keyClicks(widget, f"{moment:%d%m%Y%H%M}")
    typed = widget.dateTime().toPython()  # type: ignore[attr-defined]
    assert typed == moment, f"typed {moment}, the box says {typed}"


def choose(qtbot: QtBot, form: StepForm, label_start: str, reasons: str) -> None:
    button = next(b for b in form.choices.buttons() if b.text().startswith(label_start))
    click(qtbot, button)
    type_into(qtbot, form.reasons, reasons)


def _answer_button(form: StepForm, state: StepState) -> QAbstractButton:
    return next(b for b in form.answer.buttons() if b.property("state") == state.value)


def done(
    qtbot: QtBot,
    form: StepForm,
    by: str,
    outcome: str,
    references: dict[str, str] | None = None,
    when: datetime | None = None,
) -> None:
    """``when`` is typed into "When it was done" (left alone: when it is recorded)."""
    click(qtbot, _answer_button(form, StepState.DONE))
    type_into(qtbot, form.done_by, by)
    if when is not None:
        type_moment(qtbot, form.done_at, when)
    type_into(qtbot, form.outcome, outcome)
    for kind, value in (references or {}).items():
        type_into(qtbot, form.references[kind], value)


def to_do(qtbot: QtBot, form: StepForm, owner: str, due: date) -> None:
    click(qtbot, _answer_button(form, StepState.TO_DO))
    type_into(qtbot, form.owner, owner)
    type_date(qtbot, form.due, due)


def not_needed(qtbot: QtBot, form: StepForm, why: str) -> None:
    click(qtbot, _answer_button(form, StepState.NOT_NEEDED))
    type_into(qtbot, form.why_not, why)


def step_page(wizard: IncidentWizard) -> StepPage:
    page = wizard.currentPage()
    assert isinstance(page, StepPage), f"not a step page: {page!r}"
    return page


def press(qtbot: QtBot, wizard: IncidentWizard, which: QWizard.WizardButton) -> None:
    before = wizard.currentId()
    click(qtbot, wizard.button(which))
    page = wizard.currentPage()
    message = getattr(page, "message", None)
    assert wizard.currentId() != before or which is QWizard.WizardButton.FinishButton, (
        f"stuck: {message.text() if message is not None else ''}"
    )


def next_page(qtbot: QtBot, wizard: IncidentWizard) -> None:
    press(qtbot, wizard, QWizard.WizardButton.NextButton)

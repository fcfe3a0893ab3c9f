"""Keyboard use: typed work is not thrown away without asking, and the first field of a page
or dialog has focus when it is shown (the first letters typed are never lost)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget, QWizard
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.people import PersonKind
from esafety_desktop.services.people import PersonForm
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.focus import first_field
from esafety_desktop.ui.main_window import MainWindow
from esafety_desktop.ui.person_dialogs import LeaverDialog, PersonDialog
from esafety_desktop.ui.setup_wizard import SetupWizard
from tests.ui.stepping import click, type_into


def _shown(qtbot: QtBot, window: QWidget) -> None:
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)


def _focused(window: QWidget) -> QWidget | None:
    return window.focusWidget()


def _cancel(qtbot: QtBot, dialog: QWidget) -> None:
    buttons = dialog.buttons  # type: ignore[attr-defined]
    click(qtbot, buttons.button(QDialogButtonBox.StandardButton.Cancel))


def _person_dialog() -> PersonDialog:
    return PersonDialog(lambda form: None, pupil_word="pupil")


def test_a_half_typed_person_is_kept_unless_the_user_says_to_lose_it(
    qtbot: QtBot, answered_dialogs: list[tuple[str, str]]
) -> None:
    dialog = _person_dialog()
    _shown(qtbot, dialog)
    assert _focused(dialog) is dialog.kind  # the first field: what kind of person
    type_into(qtbot, dialog.forename, "Łucja")
    dialogs.set_next_answer(False)  # "Keep typing"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert answered_dialogs[-1][0] == "Lose what you typed?"
    dialogs.set_next_answer(False)
    _cancel(qtbot, dialog)
    assert dialog.isVisible() and dialog.forename.text() == "Łucja"
    dialogs.set_next_answer(True)  # "Close and lose it"
    _cancel(qtbot, dialog)
    assert not dialog.isVisible()


def test_an_untouched_or_unchanged_form_closes_without_a_question(
    qtbot: QtBot, answered_dialogs: list[tuple[str, str]]
) -> None:
    dialog = _person_dialog()
    _shown(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    existing = PersonForm(PersonKind.STAFF, "Aylin", "Yılmaz", email="a.yilmaz@example.org")
    changing = PersonDialog(lambda form: None, pupil_word="pupil", existing=existing)
    _shown(qtbot, changing)
    assert _focused(changing) is changing.forename  # the kind cannot change
    changing.email.setText("someone@example.org")
    changing.email.setText("a.yilmaz@example.org")  # back as it was
    _cancel(qtbot, changing)
    assert not changing.isVisible()
    assert answered_dialogs == []


def test_a_leaver_s_date_changed_asks_before_it_is_lost(qtbot: QtBot) -> None:
    from datetime import date

    dialog = LeaverDialog("Aylin Yılmaz", lambda when, where: None, date(2026, 11, 20))
    _shown(qtbot, dialog)
    assert _focused(dialog) is dialog.when
    qtbot.keyClicks(dialog.destination, "Hillside")
    dialogs.set_next_answer(True)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_half_typed_setup_is_kept_unless_the_user_says_to_lose_it(
    qtbot: QtBot, tmp_path: Path, answered_dialogs: list[tuple[str, str]]
) -> None:
    wizard = SetupWizard(tmp_path / "school.db")
    _shown(qtbot, wizard)
    assert _focused(wizard) is wizard.location_page.ui.pathEdit
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    qtbot.keyClicks(wizard.school_page.ui.schoolNameEdit, "Larkspur")
    dialogs.set_next_answer(False)  # "Keep typing"
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert wizard.isVisible()
    assert answered_dialogs[-1][0] == "Lose what you typed?"
    dialogs.set_next_answer(False)
    click(qtbot, wizard.button(QWizard.WizardButton.CancelButton))
    assert wizard.isVisible()
    dialogs.set_next_answer(True)
    click(qtbot, wizard.button(QWizard.WizardButton.CancelButton))
    assert not wizard.isVisible()
    assert not (tmp_path / "school.db").exists()


def test_an_untouched_setup_closes_without_a_question(
    qtbot: QtBot, tmp_path: Path, answered_dialogs: list[tuple[str, str]]
) -> None:
    wizard = SetupWizard(tmp_path / "school.db")
    _shown(qtbot, wizard)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert not wizard.isVisible()
    assert answered_dialogs == []


def test_each_setup_page_starts_in_its_first_field(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = SetupWizard(tmp_path / "school.db")
    _shown(qtbot, wizard)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert _focused(wizard) is wizard.location_page.ui.pathEdit
    click(qtbot, next_button)
    assert _focused(wizard) is wizard.school_page.ui.schoolNameEdit
    qtbot.keyClicks(wizard.focusWidget(), "Larkspur Primary (invented)")
    click(qtbot, next_button)
    editor = wizard.contacts_page.editor
    assert _focused(wizard) is first_field(editor) is not None
    qtbot.keyClicks(wizard.focusWidget(), "Invented MASH")  # the first letters are kept
    assert editor.contacts()[0].name == "Invented MASH"
    click(qtbot, next_button)
    assert _focused(wizard) is wizard.account_page.ui.nameEdit
    dialogs.set_next_answer(True)  # lose what was typed
    wizard.reject()


def test_the_settings_contacts_tab_starts_in_its_first_field(
    qtbot: QtBot, main: MainWindow
) -> None:
    qtbot.waitUntil(main.isActiveWindow, timeout=5000)
    main.show_page("Settings")
    tabs = main.settings.tabs
    contacts = next(
        i for i in range(tabs.count()) if tabs.tabText(i).replace("&", "") == "Contacts"
    )
    tabs.setCurrentIndex(contacts)
    page = tabs.widget(contacts)
    target = first_field(page)
    assert target is not None and main.focusWidget() is target
    for name in ("Dashboard", "People", "Settings"):
        main.show_page(name)
        page = main.stack.currentWidget()
        assert main.focusWidget() is first_field(page), name


def test_the_dashboard_opens_the_contacts_ready_to_type(qtbot: QtBot, main: MainWindow) -> None:
    """The reported case: from the Dashboard's reminder to the contacts, the first letters
    typed went nowhere."""
    from esafety_desktop.services.dashboard import Target

    qtbot.waitUntil(main.isActiveWindow, timeout=5000)
    click(qtbot, main.dashboard.buttons[Target.CONTACTS])
    contacts = main.settings.contacts_tab
    assert contacts is not None and main.settings.tabs.currentWidget() is contacts
    qtbot.keyClicks(main.focusWidget(), "Invented Police")
    assert contacts.editor.contacts()[0].name == "Invented Police"


def test_arrow_keys_in_the_page_list_keep_the_keyboard_there(
    qtbot: QtBot, main: MainWindow
) -> None:
    qtbot.waitUntil(main.isActiveWindow, timeout=5000)
    main.navigation.setFocus()
    qtbot.keyClick(main.navigation, Qt.Key.Key_Down)
    assert main.current_page_title() == "Incidents"
    assert main.focusWidget() is main.navigation  # the next arrow still moves down the list
    qtbot.keyClick(main.navigation, Qt.Key.Key_Return)  # Enter: into the page
    assert main.focusWidget() is first_field(main.incidents)


def test_a_half_typed_account_is_kept_unless_the_user_says_to_lose_it(
    qtbot: QtBot, answered_dialogs: list[tuple[str, str]]
) -> None:
    from esafety_desktop.ui.account_dialogs import AccountDialog

    dialog = AccountDialog(lambda *_: None, None)
    _shown(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: closes without a question
    assert not dialog.isVisible()
    dialog = AccountDialog(lambda *_: None, None)
    _shown(qtbot, dialog)
    type_into(qtbot, dialog.ui.nameEdit, "Aylin Yılmaz")
    dialogs.set_next_answer(False)  # "Keep typing"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.ui.nameEdit.text() == "Aylin Yılmaz"
    assert answered_dialogs[-1][0] == "Lose what you typed?"
    dialogs.set_next_answer(True)  # "Close and lose it"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

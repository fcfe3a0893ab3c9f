"""The first-run wizard, driven as a DSL would drive it."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from esafety_desktop.services import key_file
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.services.settings import school_settings
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.setup_wizard import SetupWizard
from tests.conftest import DSL_PASSWORD
from tests.memory_keyring import LockedKeyring, MemoryKeyring, NoKeyring
from tests.ui.printing import on_paper


def _next(qtbot: QtBot, wizard: SetupWizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def _fill_to_account(qtbot: QtBot, wizard: SetupWizard) -> None:
    _next(qtbot, wizard)  # location as suggested
    assert wizard.currentPage() is wizard.school_page
    qtbot.keyClicks(wizard.school_page.ui.schoolNameEdit, "Larkspur Primary (invented)")
    wizard.school_page.ui.wordCombo.setCurrentText("learner")
    _next(qtbot, wizard)
    editor = wizard.contacts_page.editor
    mash_phone = editor.findChild(type(wizard.school_page.ui.schoolNameEdit), "mash_phone")
    qtbot.keyClicks(mash_phone, "01632 960777")
    _next(qtbot, wizard)
    page = wizard.account_page.ui
    qtbot.keyClicks(page.nameEdit, "Jo Bloggs")
    qtbot.keyClicks(page.usernameEdit, "jo.dsl")


def test_a_new_school_is_set_up_and_its_recovery_sheet_printed(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wizard = SetupWizard(tmp_path / "data" / "school.db")
    qtbot.addWidget(wizard)
    created: list[object] = []
    wizard.created.connect(created.append)
    wizard.show()
    _fill_to_account(qtbot, wizard)
    page = wizard.account_page.ui
    qtbot.keyClicks(page.passwordEdit, "password1234")
    assert "attackers try" in page.strengthLabel.text()
    page.passwordEdit.clear()
    qtbot.keyClicks(page.passwordEdit, DSL_PASSWORD)
    qtbot.keyClicks(page.repeatEdit, DSL_PASSWORD)
    assert page.strengthBar.value() >= 3
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=15000)

    recovery = wizard.recovery_page.ui
    key = wizard.recovery_key
    assert recovery.keyLabel.text().split() == key.split("-")
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # not until the sheet is printed or stored

    printed_to = tmp_path / "printed.pdf"

    dialogs.set_next_answer(on_paper(monkeypatch, printed_to))
    qtbot.mouseClick(recovery.previewButton, Qt.MouseButton.LeftButton)
    preview = wizard.recovery_page.preview_dialog
    assert preview.document.pageCount() == 1
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(printed_to).pages) == 1
    preview.reject()
    assert recovery.confirmCheck.isChecked()
    assert finish.isEnabled()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)

    assert len(created) == 1
    me = created[0]
    settings = school_settings(me)  # type: ignore[arg-type]
    assert settings.school_name == "Larkspur Primary (invented)"
    assert settings.pupil_word == "learner"
    assert next(c for c in settings.contacts if c.key == "mash").phone == "01632 960777"
    assert settings.recovery_sheet_kept == "printed"
    actions = [e.action for e in audit_entries(me)]  # type: ignore[arg-type]
    assert actions[:2] == ["recovery_sheet.confirmed", "document.printed"]
    assert key not in (tmp_path / "data" / "school.db.keys").read_text()
    me.sign_out()  # type: ignore[attr-defined]


def test_a_network_drive_is_refused_with_the_reason(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        key_file, "network_location_reason", lambda _p: "/mnt/staff is a network drive (cifs)"
    )
    wizard = SetupWizard(tmp_path / "school.db")
    qtbot.addWidget(wizard)
    wizard.show()
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.location_page
    message = wizard.location_page.ui.messageLabel.text()
    assert "/mnt/staff is a network drive (cifs)" in message
    assert "Choose a folder on this computer" in message
    assert not (tmp_path / "school.db").exists()


def test_an_existing_database_is_offered_for_opening_never_overwritten(
    qtbot: QtBot, tmp_path: Path
) -> None:
    (tmp_path / "school.db").write_bytes(b"existing")
    wizard = SetupWizard(tmp_path / "school.db")
    qtbot.addWidget(wizard)
    chosen: list[object] = []
    wizard.open_existing.connect(chosen.append)
    wizard.show()
    dialogs.set_next_answer(True)
    _next(qtbot, wizard)
    assert chosen == [tmp_path / "school.db"]
    assert (tmp_path / "school.db").read_bytes() == b"existing"


def test_a_weak_or_mismatched_password_keeps_the_wizard_on_the_account_page(
    qtbot: QtBot, tmp_path: Path
) -> None:
    wizard = SetupWizard(tmp_path / "school.db")
    qtbot.addWidget(wizard)
    wizard.show()
    _fill_to_account(qtbot, wizard)
    page = wizard.account_page.ui
    qtbot.keyClicks(page.passwordEdit, DSL_PASSWORD)
    qtbot.keyClicks(page.repeatEdit, DSL_PASSWORD + "x")
    assert page.messageLabel.text() == "The two passwords are different."
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.account_page
    assert not (tmp_path / "school.db").exists()
    dialogs.set_next_answer(True)  # "Close and lose it"
    wizard.reject()
    assert not wizard.isVisible()


def test_closing_after_the_database_is_made_asks_and_reminds(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = SetupWizard(tmp_path / "school.db")
    qtbot.addWidget(wizard)
    created: list[object] = []
    wizard.created.connect(created.append)
    wizard.show()
    _fill_to_account(qtbot, wizard)
    qtbot.keyClicks(wizard.account_page.ui.passwordEdit, DSL_PASSWORD)
    qtbot.keyClicks(wizard.account_page.ui.repeatEdit, DSL_PASSWORD)
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=15000)
    dialogs.set_next_answer(False)  # "Go back"
    wizard.reject()
    assert wizard.isVisible() and not created
    dialogs.set_next_answer(True)  # "Close anyway"
    wizard.reject()
    assert len(created) == 1
    assert school_settings(created[0]).recovery_sheet_kept is None  # type: ignore[arg-type]
    created[0].sign_out()  # type: ignore[attr-defined]


def _to_recovery_page(qtbot: QtBot, wizard: SetupWizard) -> None:
    _fill_to_account(qtbot, wizard)
    qtbot.keyClicks(wizard.account_page.ui.passwordEdit, DSL_PASSWORD)
    qtbot.keyClicks(wizard.account_page.ui.repeatEdit, DSL_PASSWORD)
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=15000)


def test_a_key_written_down_by_hand_is_confirmed_and_finish_works(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The DSL copies the key onto paper, ticks the box and finishes: no printing, no file."""
    wizard = SetupWizard(tmp_path / "school.db")
    qtbot.addWidget(wizard)
    created: list[object] = []
    wizard.created.connect(created.append)
    wizard.show()
    _to_recovery_page(qtbot, wizard)
    check = wizard.recovery_page.ui.confirmCheck
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))
    assert check.isChecked()
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.isEnabled()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()
    assert len(created) == 1
    me = created[0]
    assert school_settings(me).recovery_sheet_kept == "written"  # type: ignore[arg-type]
    confirmed = [e for e in audit_entries(me) if e.action == "recovery_sheet.confirmed"]  # type: ignore[arg-type]
    assert len(confirmed) == 1
    me.sign_out()  # type: ignore[attr-defined]


def test_without_a_keyring_the_first_page_explains_and_offers_passwords_alone(
    qtbot: QtBot, tmp_path: Path
) -> None:
    keyring.set_keyring(NoKeyring())
    wizard = SetupWizard(tmp_path / "school.db")
    qtbot.addWidget(wizard)
    created: list[object] = []
    wizard.created.connect(created.append)
    wizard.show()
    page = wizard.location_page.ui
    assert wizard.currentPage() is wizard.location_page
    assert page.keyringBox.isVisible()
    assert "no secure password store" in page.keyringLabel.text()
    assert "recorded in the school's audit log" in page.keyringLabel.text()
    assert page.passwordOnlyCheck.isVisible() and not page.passwordOnlyCheck.isChecked()
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.location_page  # not without an explicit choice
    assert "passwords alone" in page.messageLabel.text()
    qtbot.waitUntil(wizard.isActiveWindow)
    assert wizard.focusWidget() is page.passwordOnlyCheck, wizard.focusWidget()
    qtbot.keyClick(page.passwordOnlyCheck, Qt.Key.Key_Space)
    assert page.passwordOnlyCheck.isChecked()
    _fill_to_account(qtbot, wizard)
    qtbot.keyClicks(wizard.account_page.ui.passwordEdit, DSL_PASSWORD)
    qtbot.keyClicks(wizard.account_page.ui.repeatEdit, DSL_PASSWORD)
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=15000)
    me = wizard.signed_in
    assert school_settings(me).password_only
    chosen = [e for e in audit_entries(me) if e.action == "security.password_only_chosen"]
    assert len(chosen) == 1
    dialogs.set_next_answer(True)  # "Close anyway"
    wizard.reject()
    assert created == [me]
    me.sign_out()


def test_a_locked_keyring_is_not_called_missing_and_is_checked_again_once_unlocked(
    qtbot: QtBot, tmp_path: Path
) -> None:
    keyring.set_keyring(LockedKeyring())
    wizard = SetupWizard(tmp_path / "school.db")
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.location_page.ui
    assert page.keyringBox.isVisible()
    text = page.keyringLabel.text()
    assert "keyring is locked" in text and "Unlock it" in text
    assert "no secure password store" not in text
    assert not page.passwordOnlyCheck.isVisible()  # nothing weaker is offered
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.location_page
    assert "Unlock this computer's keyring first" in page.messageLabel.text()

    keyring.set_keyring(MemoryKeyring())  # the DSL unlocks the login keyring
    qtbot.mouseClick(page.checkAgainButton, Qt.MouseButton.LeftButton)
    assert not page.keyringBox.isVisible()
    assert page.messageLabel.text() == ""
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.school_page
    assert wizard.draft["password_only"] is False

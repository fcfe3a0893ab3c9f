"""Signing in, wrong passwords, a new PC, locking by hand and by idleness."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from esafety_desktop.services.access import sign_in
from esafety_desktop.services.app_config import AppConfig
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.background import wait_for_background
from esafety_desktop.ui.controller import AppController, StartOptions
from esafety_desktop.ui.main_window import MainWindow
from esafety_desktop.ui.unlock_window import UnlockWindow
from tests.conftest import DSL_PASSWORD, School, new_pc
from tests.ui.waiting import settle


def _unlock_window(qtbot: QtBot, school: School) -> UnlockWindow:
    school.signed_in.sign_out()
    window = UnlockWindow(school.path)
    qtbot.addWidget(window)
    window.show()
    return window


def _type_and_sign_in(qtbot: QtBot, window: UnlockWindow, password: str) -> None:
    window.ui.passwordEdit.clear()
    qtbot.keyClicks(window.ui.passwordEdit, password)
    qtbot.keyClick(window.ui.passwordEdit, Qt.Key.Key_Return)


def test_the_right_password_signs_in(qtbot: QtBot, school: School) -> None:
    window = _unlock_window(qtbot, school)
    assert window.ui.accountCombo.currentText() == "jo.dsl"
    with qtbot.waitSignal(window.unlocked, timeout=10000) as signal:
        _type_and_sign_in(qtbot, window, DSL_PASSWORD)
    me = signal.args[0]
    assert me.account.display_name == "Jo Bloggs"
    assert window.ui.passwordEdit.text() == ""
    me.sign_out()


def test_wrong_passwords_are_said_and_slow_down(qtbot: QtBot, school: School) -> None:
    window = _unlock_window(qtbot, school)
    for attempt in range(1, 4):
        _type_and_sign_in(qtbot, window, f"Wrong-Password-{attempt}")
        qtbot.waitUntil(lambda a=attempt: window.failures == a, timeout=10000)
    assert "Wrong password for jo.dsl" in window.ui.messageLabel.text()
    assert not window.ui.signInButton.isEnabled()
    assert window.ui.signInButton.text() == "Wait 2 s"
    window._tick()
    window._tick()
    assert window.ui.signInButton.isEnabled()
    assert window.ui.passwordEdit.text() == ""


def test_on_a_new_pc_the_recovery_key_is_offered_and_opens_it(qtbot: QtBot, school: School) -> None:
    window = _unlock_window(qtbot, school)
    new_pc()
    dialogs.set_next_answer(True)  # "Use the recovery key…"
    _type_and_sign_in(qtbot, window, DSL_PASSWORD)
    qtbot.waitUntil(lambda: window.findChild(QWidget, "recoveryDialog") is not None, timeout=10000)
    assert "another computer" in dialogs.shown[-1][1]
    recovery = window.findChild(QWidget, "recoveryDialog")
    qtbot.keyClicks(recovery.ui.keyEdit, school.recovery_key.replace("-", " "))
    qtbot.keyClicks(recovery.ui.passwordEdit, "Copper-Lagoon-Pebble-08")
    qtbot.keyClicks(recovery.ui.repeatEdit, "Copper-Lagoon-Pebble-08")
    with qtbot.waitSignal(window.unlocked, timeout=10000) as signal:
        recovery.ui.buttonBox.accepted.emit()
    signal.args[0].sign_out()
    sign_in(school.path, "jo.dsl", "Copper-Lagoon-Pebble-08", DeviceSecretStore()).sign_out()


def test_a_mistyped_recovery_key_is_explained_in_the_dialog(qtbot: QtBot, school: School) -> None:
    window = _unlock_window(qtbot, school)
    window.open_recovery()
    recovery = window.findChild(QWidget, "recoveryDialog")
    qtbot.keyClicks(recovery.ui.keyEdit, "ABCD-EFGH")
    qtbot.keyClicks(recovery.ui.passwordEdit, "Copper-Lagoon-Pebble-08")
    qtbot.keyClicks(recovery.ui.repeatEdit, "Copper-Lagoon-Pebble-08")
    recovery.ui.buttonBox.accepted.emit()
    qtbot.waitUntil(
        lambda: "36 letters and digits" in recovery.ui.messageLabel.text(), timeout=10000
    )
    assert recovery.isVisible()


def _controller_signed_in(qtbot: QtBot, school: School, tmp_path: Path) -> AppController:
    controller = AppController(StartOptions(database=school.path), AppConfig())
    controller.config.save = lambda path=None: None  # type: ignore[method-assign]
    controller.show_main(school.signed_in)
    settle(qtbot)  # the cases are read on the worker
    return controller


@pytest.fixture
def finish() -> Iterator[list[AppController]]:
    """Controllers own their windows; close what is left at the end of the test."""
    made: list[AppController] = []
    yield made
    for controller in made:
        if controller.signed_in is not None:
            controller.sign_out()  # the sign-out backup runs on the worker
            wait_for_background()
            QApplication.processEvents()  # its result reaches the window
        if controller.window is not None:
            controller.window.close()
            controller.window.deleteLater()


def test_ctrl_l_locks_clears_and_returns_to_the_same_page(
    qtbot: QtBot, school: School, tmp_path: Path, finish: list[AppController]
) -> None:
    controller = _controller_signed_in(qtbot, school, tmp_path)
    finish.append(controller)
    main = controller.window
    assert isinstance(main, MainWindow)
    main.show_page("Settings")
    main.show_about()
    assert main.about.isVisible()
    main.lock_action.trigger()
    assert not main.about.isVisible()
    unlock = controller.window
    assert isinstance(unlock, UnlockWindow)
    assert unlock.ui.messageLabel.text() == "Locked. Sign in to carry on."
    assert controller.signed_in is None
    assert school.signed_in.database._data_key == bytearray(32)  # the key is wiped
    with qtbot.waitSignal(controller.window_changed, timeout=10000):
        _type_and_sign_in(qtbot, unlock, DSL_PASSWORD)
    again = controller.window
    assert isinstance(again, MainWindow)
    assert again.current_page_title() == "Settings"
    assert [e.action for e in audit_entries(controller.signed_in)][:2] == [
        "sign_in",
        "session.locked",
    ]


def test_idle_minutes_on_the_wall_clock_lock_the_window(
    qtbot: QtBot, school: School, tmp_path: Path, finish: list[AppController]
) -> None:
    controller = _controller_signed_in(qtbot, school, tmp_path)
    finish.append(controller)
    timer = controller.inactivity
    assert timer.minutes == 5
    now = [1_000_000.0]
    timer._clock = lambda: now[0]
    timer.note_activity()
    now[0] += 4 * 60 + 59
    timer.timer.timeout.emit()
    assert isinstance(controller.window, MainWindow)
    now[0] += 2  # e.g. the laptop slept: wall-clock time still counts
    timer.timer.timeout.emit()
    assert isinstance(controller.window, UnlockWindow)
    assert controller.signed_in is None


def test_signing_out_shows_the_sign_in_screen(
    qtbot: QtBot, school: School, tmp_path: Path, finish: list[AppController]
) -> None:
    controller = _controller_signed_in(qtbot, school, tmp_path)
    finish.append(controller)
    controller.sign_out()
    assert isinstance(controller.window, UnlockWindow)
    assert controller.window.ui.messageLabel.text() == ""
    assert wait_for_background()  # the sign-out backup
    me = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    assert audit_entries(me)[1].action == "sign_out"
    me.sign_out()


def _text_on_screen() -> str:
    """Every piece of text a person could read in the visible windows: labels, fields, and
    every cell of every visible list or table."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QApplication,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
    )

    seen: list[str] = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for widget in [top, *top.findChildren(QWidget)]:
            if not widget.isVisible():
                continue
            if isinstance(widget, (QLabel, QLineEdit, QAbstractButton)):
                seen.append(widget.text())
            elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
                seen.append(widget.toPlainText())
            elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
                model, top_level = widget.model(), QModelIndex()
                for row in range(model.rowCount(top_level)):
                    column = 0  # a list model's column count is not public
                    while (cell := model.index(row, column, top_level)).isValid():
                        seen.append(str(cell.data() or ""))
                        column += 1
    return "\n".join(seen)


def test_locking_in_the_middle_of_a_backup_clears_the_screen_at_once(
    qtbot: QtBot,
    school: School,
    tmp_path: Path,
    finish: list[AppController],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    """Ctrl+L during a slow daily backup: no record is on screen 200 ms later; the key is
    dropped once the backup has stopped at a safe point; signing in again carries on."""
    import threading

    from esafety_desktop.domain.people import PersonKind
    from esafety_desktop.services import backups, people
    from esafety_desktop.storage import backup as backup_storage

    people.add_person(
        school.signed_in, people.PersonForm(PersonKind.VISITOR, "Zephyrine", "Quillfeather")
    )
    real_check = backup_storage.check_copy
    checking, carry_on = threading.Event(), threading.Event()

    def slow_check(*args: object) -> object:
        checking.set()
        carry_on.wait(timeout=20)  # a large school's copy takes a while to check
        return real_check(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(backup_storage, "check_copy", slow_check)
    request.addfinalizer(carry_on.set)  # a failing test must not keep the worker waiting
    controller = _controller_signed_in(qtbot, school, tmp_path)
    finish.append(controller)
    main = controller.window
    assert isinstance(main, MainWindow)
    main.show_page("People")
    qtbot.waitUntil(lambda: "Quillfeather" in _text_on_screen(), timeout=5000)
    controller.daily_backup()
    qtbot.waitUntil(checking.is_set, timeout=10000)

    main.activateWindow()
    qtbot.keyClick(main, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Quillfeather" not in _text_on_screen(), timeout=200)
    unlock = controller.window
    assert isinstance(unlock, UnlockWindow) and unlock.isVisible()
    assert unlock.ui.accountCombo.currentText() == "jo.dsl"
    assert controller.signed_in is None
    assert school.signed_in.database._data_key != bytearray(32)  # the backup still needs it

    carry_on.set()
    assert wait_for_background()
    qtbot.waitUntil(lambda: school.signed_in.database._data_key == bytearray(32), timeout=5000)
    [daily] = backups.backups_in(backups.local_root(school.path))
    assert daily.kind == "daily" and daily.damaged_files() == []
    with qtbot.waitSignal(controller.window_changed, timeout=10000):
        _type_and_sign_in(qtbot, unlock, DSL_PASSWORD)
    actions = [e.action for e in audit_entries(controller.signed_in)]
    assert actions[:3] == ["sign_in", "session.locked", "backup.made"]


def test_from_the_demo_school_a_dsl_sets_up_their_own(
    qtbot: QtBot, tmp_path: Path, finish: list[AppController]
) -> None:
    from esafety_desktop.ui.setup_wizard import SetupWizard

    controller = AppController(StartOptions(demo=True, demo_folder=tmp_path / "demo"), AppConfig())
    finish.append(controller)
    controller.start()
    qtbot.waitUntil(
        lambda: (
            isinstance(controller.window, UnlockWindow)
            and controller.window.ui.accountCombo.count() == 4
        ),
        timeout=20000,
    )
    window = controller.window
    assert "Demo-Oakfield-2026" in window.ui.demoLabel.text()
    qtbot.mouseClick(window.setup_button, Qt.MouseButton.LeftButton)
    assert isinstance(controller.window, SetupWizard)


def test_a_demo_stopped_while_it_was_being_made_is_made_again(
    qtbot: QtBot, tmp_path: Path, finish: list[AppController]
) -> None:
    """The window was closed while the demo school was being made: next time it is made
    again, not opened with half its cases as if that were all of them."""
    from esafety_desktop.ui.controller import demo_database_path

    folder = tmp_path / "demo"
    folder.mkdir()
    half_made = demo_database_path(folder)
    half_made.write_bytes(b"half a demo school")
    half_made.with_name(half_made.name + ".keys").write_text("{}", encoding="utf-8")
    controller = AppController(StartOptions(demo=True, demo_folder=folder), AppConfig())
    finish.append(controller)
    controller.start()
    qtbot.waitUntil(
        lambda: (
            isinstance(controller.window, UnlockWindow)
            and controller.window.ui.accountCombo.count() == 4
        ),
        timeout=20000,
    )
    assert half_made.read_bytes()[:18] != b"half a demo school"
    assert half_made.with_name(half_made.name + ".ready").exists()


def test_an_incident_draft_survives_the_auto_lock_and_resumes(
    qtbot: QtBot, school: School, tmp_path: Path, finish: list[AppController]
) -> None:
    from datetime import date

    from esafety_desktop.domain.incidents import PersonRole
    from esafety_desktop.domain.people import PersonKind
    from esafety_desktop.services import people

    amy = people.add_person(
        school.signed_in,
        people.PersonForm(PersonKind.PUPIL, "Amy", "Ash", date_of_birth=date(2014, 3, 1)),
    )
    controller = _controller_signed_in(qtbot, school, tmp_path)
    finish.append(controller)
    main = controller.window
    assert isinstance(main, MainWindow)
    main.show_page("Incidents")
    main.incidents.open_wizard(None)
    assert wait_for_background()
    qtbot.waitUntil(lambda: hasattr(main.incidents, "wizard"), timeout=5000)
    wizard = main.incidents.wizard
    wizard.report.reported_by.setText("Kim Lowe")
    wizard.report.summary.setPlainText("Amy was sent unkind messages.")
    wizard.next()
    wizard.people_page.add_person(amy, PersonRole.TARGET)
    wizard.next()
    wizard.next()  # past the first guidance step
    controller.inactivity._clock = lambda: 10**12  # far past the idle limit
    controller.inactivity.timer.timeout.emit()
    assert isinstance(controller.window, UnlockWindow)
    with qtbot.waitSignal(controller.window_changed, timeout=10000):
        _type_and_sign_in(qtbot, controller.window, DSL_PASSWORD)
    main = controller.window
    assert isinstance(main, MainWindow) and main.current_page_title() == "Incidents"
    qtbot.waitUntil(lambda: main.incidents.drafts.count() == 1, timeout=5000)  # read on the worker
    qtbot.mouseClick(main.incidents.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hasattr(main.incidents, "wizard"), timeout=5000)
    resumed = main.incidents.wizard
    assert resumed.report.summary.toPlainText() == "Amy was sent unkind messages."
    assert resumed.currentPage().step.id == "immediate_risk"
    resumed.reject()


def test_a_save_that_fails_after_the_window_was_locked_is_said_after_signing_in(
    qtbot: QtBot,
    school: School,
    tmp_path: Path,
    finish: list[AppController],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    """Ctrl+L while a person's details are being saved: the save fails (the disk filled up)
    after the window has gone. Nothing may pretend it was saved: the reason is shown once the
    DSL signs in again."""
    import threading

    from esafety_desktop.errors import DiskFull
    from esafety_desktop.services import people
    from esafety_desktop.ui.person_dialogs import PersonDialog

    saving, carry_on = threading.Event(), threading.Event()

    def add_person_on_a_full_disk(*_args: object, **_kwargs: object) -> int:
        saving.set()
        carry_on.wait(timeout=20)
        raise DiskFull()

    monkeypatch.setattr(people, "add_person", add_person_on_a_full_disk)
    request.addfinalizer(carry_on.set)
    controller = _controller_signed_in(qtbot, school, tmp_path)
    finish.append(controller)
    main = controller.window
    assert isinstance(main, MainWindow)
    main.show_page("People")
    main.people.add_person()
    dialog = main.people.dialog
    assert isinstance(dialog, PersonDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("visitor"))
    qtbot.keyClicks(dialog.forename, "Zephyrine")
    qtbot.keyClicks(dialog.surname, "Quillfeather")
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert saving.wait(timeout=10)
    main.lock_action.trigger()
    carry_on.set()
    assert wait_for_background()
    unlock = controller.window
    assert isinstance(unlock, UnlockWindow)
    dialogs.set_next_answer(None)  # the message about what was not saved
    with qtbot.waitSignal(controller.window_changed, timeout=10000):
        _type_and_sign_in(qtbot, unlock, DSL_PASSWORD)
    title, text = dialogs.shown[-1]
    assert title == "While eSafety Desktop was locked, this was not saved"
    assert "The disk is full" in text


def test_an_older_pair_of_files_put_back_is_refused_and_a_restore_offered(
    qtbot: QtBot, school: School, tmp_path: Path
) -> None:
    import shutil

    from esafety_desktop.services import incidents
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.storage.device_secret import DeviceSecretStore
    from esafety_desktop.storage.files import DatabaseFiles
    from esafety_desktop.ui import dialogs
    from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil

    files = DatabaseFiles(school.path)
    school.signed_in.sign_out()
    older = tmp_path / "older"
    older.mkdir()
    for path in (files.database, files.key_slots):
        shutil.copy(path, older / path.name)
    school.signed_in = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    incidents.record_incident(school.signed_in, _new(_pupil(school), NUDES_REFERRED))
    school.signed_in.sign_out()
    for path in (files.database, files.key_slots):
        shutil.copy(older / path.name, path)  # an older pair put back
    window = UnlockWindow(school.path)
    qtbot.addWidget(window)
    window.show()
    dialogs.set_next_answer(True)  # yes: restore from a backup
    with qtbot.waitSignal(window.restore_requested, timeout=10000):
        _type_and_sign_in(qtbot, window, DSL_PASSWORD)
    title, text = dialogs.shown[-1]
    assert title == "An older copy of the school database"
    assert "older than the ones last used on this PC" in text
    assert "sign in with the recovery key" in text

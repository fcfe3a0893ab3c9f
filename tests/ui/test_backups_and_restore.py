"""Backups and restoring, as a DSL does them in the window: real files, real widgets."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from esafety_desktop.services import backups, incidents, restoring
from esafety_desktop.services.access import sign_in
from esafety_desktop.services.app_config import AppConfig
from esafety_desktop.storage.backup import find_backups
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles, sha256_of
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.background import wait_for_background
from esafety_desktop.ui.controller import AppController, StartOptions
from esafety_desktop.ui.main_window import MainWindow
from esafety_desktop.ui.restore_wizard import RestoreWizard
from esafety_desktop.ui.setup_wizard import SetupWizard
from esafety_desktop.ui.unlock_window import UnlockWindow
from tests.conftest import DSL_PASSWORD, School, damage_a_page, new_pc
from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil
from tests.ui.test_unlock_and_lock import _controller_signed_in, finish  # noqa: F401 - a fixture
from tests.ui.waiting import settle

NEW_PASSWORD = "Copper-Lagoon-Pebble-08"


def _case(school: School, summary: str) -> None:
    incidents.record_incident(
        school.signed_in, _new(_pupil(school), NUDES_REFERRED, summary=summary)
    )


def _summaries(signed_in: object) -> list[str]:
    return sorted(c.summary for c in incidents.list_incidents(signed_in))  # type: ignore[arg-type]


def _wizard(qtbot: QtBot, controller: AppController) -> RestoreWizard:
    qtbot.waitUntil(lambda: controller.restore_wizard is not None, timeout=5000)
    wizard = controller.restore_wizard
    assert isinstance(wizard, RestoreWizard)
    qtbot.waitUntil(wizard.isVisible, timeout=5000)
    return wizard


def _next(qtbot: QtBot, wizard: RestoreWizard, page: int) -> None:
    qtbot.mouseClick(wizard.button(wizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == page, timeout=15000)


def test_back_up_now_and_a_second_location_from_settings(
    qtbot: QtBot,
    school: School,
    tmp_path: Path,
    tmp_path_factory,
    finish,  # noqa: F811
) -> None:
    controller = _controller_signed_in(qtbot, school, tmp_path)
    finish.append(controller)
    main = controller.window
    assert isinstance(main, MainWindow)
    tab = main.settings.backups_tab
    assert tab.last_here.text() == "None yet."
    assert tab.second_place.text() == "Not chosen."
    usb = tmp_path_factory.mktemp("usb")
    dialogs.set_next_answer(str(usb))
    qtbot.mouseClick(tab.choose_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert f"also be copied to {usb}" in tab.message.text()
    qtbot.mouseClick(tab.back_up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Backup made and checked" in tab.message.text(), timeout=15000)
    assert f"Copied to {usb}" in tab.message.text()
    assert "(today; made by hand): 0 cases, 0 people" in tab.last_here.text()
    assert "Newest copy there" in tab.last_there.text()
    [copy] = find_backups(usb / "eSafety Desktop backups")
    assert copy.damaged_files() == []


def test_signing_out_makes_a_backup_and_the_daily_one_comes_when_due(
    qtbot: QtBot,
    school: School,
    tmp_path: Path,
    finish,  # noqa: F811
) -> None:
    controller = _controller_signed_in(qtbot, school, tmp_path)
    finish.append(controller)
    assert controller.backup_timer.isActive()  # the first daily check, a minute after sign-in
    controller.daily_backup()
    qtbot.waitUntil(lambda: len(find_backups(backups.local_root(school.path))) == 1, timeout=15000)
    [daily] = find_backups(backups.local_root(school.path))
    assert daily.kind == "daily"
    qtbot.waitUntil(
        lambda: "Daily backup made" in controller.window.statusBar().currentMessage(),
        timeout=5000,
    )
    controller.daily_backup()  # one a day: not due again
    assert wait_for_background()
    assert len(find_backups(backups.local_root(school.path))) == 1
    _case(school, "Saved just before signing out.")
    controller.sign_out()
    assert isinstance(controller.window, UnlockWindow)
    assert wait_for_background()
    kinds = [b.kind for b in find_backups(backups.local_root(school.path))]
    assert kinds[0] == "sign-out"
    newest = find_backups(backups.local_root(school.path))[0]
    assert newest.counts["cases"] == 1


def test_restore_from_settings_brings_back_the_backup_and_keeps_the_replaced_database(
    qtbot: QtBot,
    school: School,
    tmp_path: Path,
    finish,  # noqa: F811
) -> None:
    _case(school, "In the backup.")
    made = backups.back_up(school.signed_in, backups.BY_HAND).backup
    _case(school, "Saved after the backup.")
    controller = _controller_signed_in(qtbot, school, tmp_path)
    finish.append(controller)
    main = controller.window
    qtbot.mouseClick(main.settings.backups_tab.restore_button, Qt.MouseButton.LeftButton)
    wizard = _wizard(qtbot, controller)
    assert wizard.choose.chosen() is not None and wizard.choose.chosen().folder == made.folder
    _next(qtbot, wizard, 1)
    assert wizard.unlock.by_password.isChecked()
    assert wizard.unlock.account.currentText() == "jo.dsl"
    qtbot.keyClicks(wizard.unlock.password, "Not-The-Password-1")
    qtbot.mouseClick(wizard.button(wizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Wrong password" in wizard.unlock.message.text(), timeout=15000)
    assert wizard.currentId() == 1
    qtbot.keyClicks(wizard.unlock.password, DSL_PASSWORD)
    _next(qtbot, wizard, 2)
    summary = wizard.switch.checked.text()
    assert "passed its checks" in summary and "1 cases" in summary
    assert "Replaced by a restore" in wizard.switch.what_happens.text()
    assert wizard.switch.new_password.isHidden()
    dialogs.set_next_answer(None)  # "Restored" is acknowledged
    qtbot.mouseClick(wizard.button(wizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: isinstance(controller.window, MainWindow) and controller.window is not main,
        timeout=15000,
    )
    title, text = dialogs.shown[-1]
    assert title == "Restored" and "kept, unchanged, in" in text
    assert _summaries(controller.signed_in) == ["In the backup."]
    aside = restoring.restore_aside_folders(school.path)
    assert len(aside) == 1
    # the replaced database, with the case saved after the backup, still opens
    old = sign_in(aside[0] / "school.db", "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    assert _summaries(old) == ["In the backup.", "Saved after the backup."]
    old.sign_out()
    # and signing out of the replaced one backed it up first
    kinds = [b.kind for b in find_backups(backups.local_root(school.path))]
    assert "sign-out" in kinds


def test_a_new_pc_restores_from_a_usb_stick_with_the_recovery_key(
    qtbot: QtBot,
    school: School,
    tmp_path_factory,
    finish,  # noqa: F811
) -> None:
    _case(school, "Amy was asked for photos by an older boy online.")
    usb = tmp_path_factory.mktemp("usb")
    backups.set_second_location(school.signed_in, usb)
    backups.back_up(school.signed_in, backups.SIGN_OUT)
    school.signed_in.sign_out()

    new_pc()
    target = tmp_path_factory.mktemp("new-pc") / "school.db"
    controller = AppController(StartOptions(database=target), AppConfig())
    controller.config.save = lambda path=None: None  # type: ignore[method-assign]
    finish.append(controller)
    controller.start()
    setup = controller.window
    assert isinstance(setup, SetupWizard)
    restore_button = setup.findChild(
        type(setup.button(setup.WizardButton.NextButton)), "restoreInstead"
    )
    qtbot.mouseClick(restore_button, Qt.MouseButton.LeftButton)
    wizard = _wizard(qtbot, controller)
    assert "No backups there" in wizard.choose.message.text()
    dialogs.set_next_answer(str(usb))
    qtbot.mouseClick(wizard.choose.browse, Qt.MouseButton.LeftButton)
    assert wizard.choose.model.rowCount() == 1 and wizard.choose.chosen() is not None
    _next(qtbot, wizard, 1)
    assert wizard.unlock.by_key.isChecked()  # no database here: a new PC, so the key first
    qtbot.keyClicks(wizard.unlock.recovery_key, school.recovery_key)
    _next(qtbot, wizard, 2)
    assert "There is" not in wizard.switch.what_happens.text()
    assert str(target) in wizard.switch.what_happens.text()
    assert wizard.switch.new_password.isVisible()
    qtbot.keyClicks(wizard.switch.new_password, NEW_PASSWORD)
    qtbot.keyClicks(wizard.switch.again, "Copper-Lagoon-Pebble-07")
    qtbot.mouseClick(wizard.button(wizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert "twice" in wizard.switch.message.text() and wizard.isVisible()
    wizard.switch.again.clear()
    qtbot.keyClicks(wizard.switch.again, NEW_PASSWORD)
    dialogs.set_next_answer(None)
    qtbot.mouseClick(wizard.button(wizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.window, MainWindow), timeout=15000)
    assert _summaries(controller.signed_in) == ["Amy was asked for photos by an older boy online."]
    controller.sign_out()
    assert wait_for_background()
    sign_in(target, "jo.dsl", NEW_PASSWORD, DeviceSecretStore()).sign_out()


def test_a_damaged_database_is_left_alone_and_the_newest_good_backup_offered(
    qtbot: QtBot,
    school: School,
    tmp_path: Path,
    finish,  # noqa: F811
) -> None:
    _case(school, "Amy was asked for photos by an older boy online.")
    made = backups.back_up(school.signed_in, backups.SIGN_OUT).backup
    school.signed_in.sign_out()
    files = DatabaseFiles(school.path)
    damage_a_page(files.database)
    damaged = sha256_of(files.database)

    controller = AppController(StartOptions(database=school.path), AppConfig())
    controller.config.save = lambda path=None: None  # type: ignore[method-assign]
    finish.append(controller)
    controller.start()
    window = controller.window
    assert isinstance(window, UnlockWindow)
    dialogs.set_next_answer(True)  # "Restore that backup…"
    qtbot.keyClicks(window.ui.passwordEdit, DSL_PASSWORD)
    qtbot.keyClick(window.ui.passwordEdit, Qt.Key.Key_Return)
    wizard = _wizard(qtbot, controller)
    title, text = dialogs.shown[-1]
    assert title == "The school database is damaged"
    assert "failed its check" in text and "newest good backup was made" in text
    assert wizard.choose.chosen() is not None and wizard.choose.chosen().folder == made.folder
    assert sha256_of(files.database) == damaged  # nothing was written to it
    _next(qtbot, wizard, 1)
    qtbot.keyClicks(wizard.unlock.password, DSL_PASSWORD)
    _next(qtbot, wizard, 2)
    dialogs.set_next_answer(None)
    qtbot.mouseClick(wizard.button(wizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.window, MainWindow), timeout=15000)
    assert _summaries(controller.signed_in) == ["Amy was asked for photos by an older boy online."]
    [aside] = restoring.restore_aside_folders(school.path)
    assert sha256_of(aside / "school.db") == damaged  # kept for IT support, unchanged
    shutil.rmtree(aside)

"""Changing the school's key from Settings, as a DSL does it: the Security tab's button, the
offer after a change of password, and what the recovery-key and removal questions say."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from esafety_desktop.services.access import SignedIn, sign_in
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.main_window import MainWindow
from esafety_desktop.ui.pages.settings_security import SecurityTab
from tests.conftest import HEAD_PASSWORD, School, add_head
from tests.storage.fixtures.make_school_v1 import HERE, PASSWORDS
from tests.ui.stepping import click, type_into
from tests.ui.waiting import press_ok, settle

NEW_PASSWORD = "Copper-Lagoon-Pebble-08"


def _generation(database: Path) -> int:
    generation: int = json.loads(Path(f"{database}.keys").read_text())["generation"]
    return generation


def _security_tab(main: MainWindow) -> SecurityTab:
    tab = main.settings.security_tab
    assert tab is not None
    main.show_page("Settings")
    main.settings.show_tab(tab)
    return tab


def _key_changes(signed_in: SignedIn) -> list[dict[str, object]]:
    return [
        dict(e.details or {})
        for e in audit_entries(signed_in)
        if e.action == "security.school_key_changed"
    ]


def _window(qtbot: QtBot, signed_in: SignedIn) -> MainWindow:
    window = MainWindow(
        signed_in, on_lock=lambda: None, on_sign_out=lambda: None, on_close=lambda: None
    )
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    return window


def _change_my_password(qtbot: QtBot, main: MainWindow, current: str) -> None:
    tab = main.settings.my_account_tab
    main.show_page("Settings")
    main.settings.show_tab(tab)
    click(qtbot, tab.change_button)
    dialog = tab.dialog
    type_into(qtbot, dialog.current, current)
    type_into(qtbot, dialog.new, NEW_PASSWORD)
    type_into(qtbot, dialog.repeat, NEW_PASSWORD)
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    settle(qtbot)


def test_the_dsl_changes_the_school_key_from_the_security_tab(
    qtbot: QtBot, school: School, main: MainWindow
) -> None:
    tab = _security_tab(main)
    before = _generation(school.path)
    dialogs.set_next_answer(True)  # yes, change the key
    dialogs.set_next_answer(None)  # the message afterwards is read
    click(qtbot, tab.school_key_button)
    # The worker has not told the window yet: the tab says the change is under way.
    assert tab.school_key_state.text() == "Changing the school's key…"
    assert tab.school_key_busy.isVisible() and not tab.school_key_button.isEnabled()
    settle(qtbot)

    assert _generation(school.path) == before + 1
    (asked, question), (title, told) = dialogs.shown[-2:]
    assert asked == "Change the school's key?"
    assert "Every account keeps its password" in question
    assert "an old copy of the key file, an old password or a removed account" in question
    assert "It takes a few seconds. Backups already made keep the old key" in question
    assert title == "The school's key is changed"
    assert told.startswith("Every account signs in with its password as before.")
    assert "opens nothing current" in told
    assert "Backups made before this change keep the old key" in told
    assert "Keep old recovery sheets with those backups" in told
    assert "Reset password" not in told  # nobody needs a new one
    assert tab.school_key_state.text() == "The school's key has been changed."
    assert tab.school_key_button.isEnabled() and not tab.school_key_busy.isVisible()
    assert _key_changes(school.signed_in) == [
        {"why": "asked for", "generation": before + 1, "need_new_passwords": []}
    ]
    school_tab = main.settings.school_tab
    assert school_tab is not None
    main.settings.show_tab(school_tab)
    click(qtbot, school_tab.save_button)  # the school is written to under its new key
    settle(qtbot)
    assert school_tab.note.text() == "Saved."


def test_saying_no_changes_nothing(qtbot: QtBot, school: School, main: MainWindow) -> None:
    tab = _security_tab(main)
    before = _generation(school.path)
    dialogs.set_next_answer(False)
    click(qtbot, tab.school_key_button)
    settle(qtbot)
    assert _generation(school.path) == before
    assert _key_changes(school.signed_in) == []
    assert tab.school_key_state.isHidden()


def test_a_dsl_who_changes_their_password_is_offered_the_key_change(
    qtbot: QtBot, school: School, main: MainWindow
) -> None:
    before = _generation(school.path)
    dialogs.set_next_answer(True)  # yes, I fear the old password was seen
    dialogs.set_next_answer(None)  # the message once the key is changed
    _change_my_password(qtbot, main, school.password)

    titles = [title for title, _ in dialogs.shown]
    assert titles == ["Password changed", "The school's key is changed"]
    assert "Do you fear your old password was seen by someone?" in dialogs.shown[0][1]
    assert main.settings.tabs.currentWidget() is main.settings.security_tab
    assert _generation(school.path) == before + 1
    assert [c["why"] for c in _key_changes(school.signed_in)] == ["a password may have been seen"]
    sign_in(school.path, school.username, NEW_PASSWORD, DeviceSecretStore()).sign_out()


def test_a_dsl_who_fears_nothing_keeps_the_school_key(
    qtbot: QtBot, school: School, main: MainWindow
) -> None:
    before = _generation(school.path)
    dialogs.set_next_answer(False)  # no need
    _change_my_password(qtbot, main, school.password)
    assert [title for title, _ in dialogs.shown] == ["Password changed"]
    assert _generation(school.path) == before
    assert _key_changes(school.signed_in) == []


def test_other_roles_are_told_to_ask_their_dsl(qtbot: QtBot, school: School) -> None:
    add_head(school)
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    window = _window(qtbot, head)
    assert window.settings.security_tab is None
    before = _generation(school.path)
    dialogs.set_next_answer(None)  # the message is read
    _change_my_password(qtbot, window, HEAD_PASSWORD)
    title, text = dialogs.shown[-1]
    assert title == "Password changed"
    assert "ask your Designated Safeguarding Lead to change the school's key" in text
    assert _generation(school.path) == before
    head.sign_out()


def test_a_new_recovery_key_says_what_the_old_sheet_still_opens(
    qtbot: QtBot, school: School, main: MainWindow
) -> None:
    tab = _security_tab(main)
    dialogs.set_next_answer(False)  # on second thoughts, not now
    click(qtbot, tab.new_key_button)
    settle(qtbot)
    title, text = dialogs.shown[-1]
    assert title == "Make a new recovery key?"
    assert "The old sheet will no longer open the school's database" in text
    assert "it still opens the backups already made: keep it with those backups, or " in text
    assert "destroy it when they are deleted" in text
    assert "stops working" not in text
    assert tab.new_key_button.isEnabled()

    before = _generation(school.path)
    dialogs.set_next_answer(True)  # now make it
    click(qtbot, tab.new_key_button)
    assert tab.sheet_state.text().startswith("Making a new recovery key")
    settle(qtbot)
    assert tab.sheet_state.text() == "New recovery key made: print the sheet now."
    assert _generation(school.path) == before + 1  # the school's key changed with it
    tab.preview.reject()


def test_removing_an_account_says_the_school_key_changes_too(
    qtbot: QtBot, school: School, main: MainWindow
) -> None:
    add_head(school)
    main.show_page("Settings")
    tab = main.settings.accounts_tab
    assert tab is not None
    main.settings.show_tab(tab)
    tab.refresh()
    tab.select_username("p.head")
    before = _generation(school.path)
    dialogs.set_next_answer(True)
    click(qtbot, tab.remove_button)
    settle(qtbot)
    title, text = dialogs.shown[-1]
    assert title == "Remove Pat Head?"
    assert "The school's key is changed too" in text
    assert "their password opens nothing current, even with an old copy of the key file" in text
    assert _generation(school.path) == before + 1
    assert tab.model.rowCount() == 1


@pytest.fixture
def upgraded_old_school(tmp_path: Path) -> Iterator[SignedIn]:
    """The last release's school, upgraded by its DSL signing in: the headteacher and the
    deputy have not signed in since, so they have no keys of their own yet."""
    for name in ("school.db", "school.db.keys"):
        shutil.copy(HERE / name, tmp_path / name)
    dsl = sign_in(
        tmp_path / "school.db",
        "fixture.dsl",
        PASSWORDS["fixture.dsl"],
        DeviceSecretStore(),
        upgrade_keys=True,
    )
    yield dsl
    settle_and_close(dsl)


def settle_and_close(signed_in: SignedIn) -> None:
    from esafety_desktop.ui.background import wait_for_background

    wait_for_background()
    signed_in.sign_out()


def test_accounts_that_need_a_new_password_are_named(
    qtbot: QtBot, upgraded_old_school: SignedIn
) -> None:
    window = _window(qtbot, upgraded_old_school)
    tab = _security_tab(window)
    dialogs.set_next_answer(True)
    dialogs.set_next_answer(None)
    click(qtbot, tab.school_key_button)
    settle(qtbot)
    title, text = dialogs.shown[-1]
    assert title == "The school's key is changed"
    assert text.startswith(
        "These accounts cannot sign in until a Designated Safeguarding Lead gives them a new "
        "password (Settings › Accounts › Reset password):\n"
        "• Fixture Deputy (fixture.deputy)\n"
        "• Fixture Head (fixture.head)\n\n"
        "Every other account signs in with its password as before."
    )


def test_signing_in_to_an_old_school_shows_its_new_recovery_sheet_and_names_who_needs_a_password(
    qtbot: QtBot, upgraded_old_school: SignedIn
) -> None:
    """The window the controller opens after an upgrading sign-in: it says what changed, names
    the accounts that need a new password, and shows the new sheet to print at once."""
    from esafety_desktop.ui.pdf_preview import PdfPreviewDialog

    key = upgraded_old_school.recovery_key_to_print
    assert key is not None
    window = _window(qtbot, upgraded_old_school)
    dialogs.set_next_answer(None)  # the message is read
    window.print_upgrade_recovery_sheet(key, upgraded_old_school.accounts_needing_passwords)
    title, text = dialogs.shown[-1]
    assert title == "Print the school's new recovery sheet"
    assert "fixture.deputy, fixture.head" in text
    assert "The old recovery sheet opens only backups made before today" in text
    tab = window.settings.security_tab
    assert tab is not None
    qtbot.waitUntil(lambda: isinstance(getattr(tab, "preview", None), PdfPreviewDialog))
    qtbot.waitUntil(lambda: tab.preview.isVisible())
    assert window.settings.tabs.currentWidget() is tab
    tab.preview.close()

"""The main window's pages: dashboard items, the audit log, account administration, printing."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from esafety_desktop.services import incidents, settings
from esafety_desktop.services.access import sign_in
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.services.dashboard import Target
from esafety_desktop.services.exports import recovery_sheet
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.main_window import MainWindow
from esafety_desktop.ui.models import account_model, audit_model
from esafety_desktop.ui.pdf_preview import PdfPreviewDialog
from tests.conftest import HEAD_PASSWORD, School, add_head
from tests.ui.printing import on_paper
from tests.ui.waiting import press_ok, settle


def test_the_dashboard_button_opens_what_it_counts(qtbot: QtBot, main: MainWindow) -> None:
    assert main.current_page_title() == "Dashboard"
    assert "Good " in main.dashboard.greeting.text()
    qtbot.mouseClick(main.dashboard.buttons[Target.CONTACTS], Qt.MouseButton.LeftButton)
    assert main.current_page_title() == "Settings"
    assert main.settings.tabs.currentWidget() is main.settings.contacts_tab
    qtbot.keyClicks(
        main.settings.contacts_tab.editor.findChild(QWidget, "lado_phone"), "01632 960303"
    )
    qtbot.mouseClick(main.settings.contacts_tab.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    lado = next(c for c in settings.school_settings(main.signed_in).contacts if c.key == "lado")
    assert lado.phone == "01632 960303"


def test_the_check_from_the_dashboard_reports_a_sound_database(
    qtbot: QtBot, main: MainWindow
) -> None:
    dialogs.set_next_answer(None)
    qtbot.mouseClick(main.dashboard.buttons[Target.VERIFY], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialogs.pending_answers() == 0, timeout=10000)
    assert main.current_page_title() == "Audit log"
    title, text = dialogs.shown[-1]
    assert title == "The database is sound"
    assert text.startswith("Sound:")
    main._show_row(0)
    assert Target.VERIFY not in main.dashboard.buttons


def test_the_audit_log_filters_by_what_and_who(
    qtbot: QtBot, school: School, main: MainWindow
) -> None:
    add_head(school)
    settings.rename_school(school.signed_in, "Rowan School (invented)")
    page = main.audit_log
    assert page is not None
    main.show_page("Audit log")
    page.refresh()
    everything = page.model.rowCount()
    page.action.setCurrentIndex(page.action.findText("Accounts"))
    page.refresh()
    shown = {page.model.index(r, 3).data() for r in range(page.model.rowCount())}
    assert shown == {"Account added"}
    assert page.count_label.text() == "2 entries"
    page.action.setCurrentIndex(0)
    page.person.setCurrentIndex(page.person.findText("Pat Head"))
    page.refresh()
    assert page.model.rowCount() == 0
    page.person.setCurrentIndex(0)
    page.use_to.setChecked(True)
    page.date_to.setDate(page.date_to.date().addDays(-1))
    assert page.model.rowCount() == 0
    page.use_to.setChecked(False)
    assert page.model.rowCount() == everything
    setting_row = next(
        r
        for r in range(page.model.rowCount())
        if page.model.index(r, 3).data() == "Setting changed"
    )
    assert "School name:" in page.model.index(setting_row, 4).data()
    assert "Rowan School (invented)" in page.model.index(setting_row, 4).data()


def test_the_dsl_adds_resets_reassigns_and_removes_an_account(
    qtbot: QtBot, school: School, main: MainWindow
) -> None:
    main.go_to(Target.ACCOUNTS)
    tab = main.settings.accounts_tab
    assert tab is not None
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    qtbot.keyClicks(dialog.ui.nameEdit, "Sam Patel")
    qtbot.keyClicks(dialog.ui.usernameEdit, "s.patel")
    qtbot.keyClicks(dialog.ui.passwordEdit, HEAD_PASSWORD)
    qtbot.keyClicks(dialog.ui.repeatEdit, HEAD_PASSWORD)
    dialog.ui.buttonBox.accepted.emit()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=10000)
    names = {tab.model.index(r, 0).data(): tab.model.index(r, 2).data() for r in range(2)}
    assert names == {"Jo Bloggs": "Designated Safeguarding Lead", "Sam Patel": "Deputy DSL"}

    tab.select_username("s.patel")
    qtbot.mouseClick(tab.reset_button, Qt.MouseButton.LeftButton)
    reset = tab.dialog
    qtbot.keyClicks(reset.new, "Copper-Lagoon-Pebble-08")
    qtbot.keyClicks(reset.repeat, "Copper-Lagoon-Pebble-08")
    press_ok(qtbot, reset)
    qtbot.waitUntil(lambda: not reset.isVisible(), timeout=10000)
    sign_in(school.path, "s.patel", "Copper-Lagoon-Pebble-08", DeviceSecretStore()).sign_out()

    tab.select_username("s.patel")
    dialogs.set_next_answer("Headteacher")
    qtbot.mouseClick(tab.role_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert {tab.model.index(r, 2).data() for r in range(2)} == {
        "Designated Safeguarding Lead",
        "Headteacher",
    }

    tab.select_username("s.patel")
    dialogs.set_next_answer(True)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert tab.model.rowCount() == 1
    assert "will no longer be able to sign in" in dialogs.shown[-1][1]


def test_removing_the_only_dsl_is_refused_with_the_reason(qtbot: QtBot, main: MainWindow) -> None:
    tab = main.settings.accounts_tab
    assert tab is not None
    tab.select_username("jo.dsl")
    dialogs.set_next_answer(True)  # yes, remove
    dialogs.set_next_answer(None)  # the refusal is acknowledged
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    title, text = dialogs.shown[-1]
    assert title == "The account was not removed"
    assert "your own account" in text
    assert tab.model.rowCount() == 1


def test_a_headteacher_sees_no_account_or_school_settings(qtbot: QtBot, school: School) -> None:
    add_head(school)
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    window = MainWindow(head, on_lock=lambda: None, on_sign_out=lambda: None, on_close=lambda: None)
    qtbot.addWidget(window)
    tabs = [window.settings.tabs.tabText(i) for i in range(window.settings.tabs.count())]
    assert tabs == ["&Backups", "&My account"]
    backups_tab = window.settings.backups_tab  # sees when the last backup was made; changes nothing
    assert backups_tab.choose_button.isHidden() and backups_tab.restore_button.isHidden()
    assert window.audit_log is not None
    assert [window.navigation.item(i).text() for i in range(window.navigation.count())] == [
        "Dashboard",
        "Incidents",
        "People",
        "Agreements",
        "Reports",
        "Audit log",
        "Settings",
    ]
    assert not window.people.add_button.isVisibleTo(window)  # may look, not change
    assert not window.incidents.new_button.isVisibleTo(window)  # reviews, does not record
    head.sign_out()


def test_changing_my_password_in_settings(qtbot: QtBot, school: School, main: MainWindow) -> None:
    tab = main.settings.my_account_tab
    qtbot.mouseClick(tab.change_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    qtbot.keyClicks(dialog.current, "not my password")
    qtbot.keyClicks(dialog.new, "Copper-Lagoon-Pebble-08")
    qtbot.keyClicks(dialog.repeat, "Copper-Lagoon-Pebble-08")
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: "Wrong password" in dialog.message.text(), timeout=10000)
    dialog.current.clear()
    qtbot.keyClicks(dialog.current, school.password)
    dialogs.set_next_answer(None)
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    assert dialogs.shown[-1][0] == "Password changed"


def _preview(qtbot: QtBot, school: School, saved: list[str]) -> PdfPreviewDialog:
    from esafety_desktop.services.exports import record_printed, save_pdf

    me = school.signed_in
    pdf = recovery_sheet(me, school.recovery_key)
    dialog = PdfPreviewDialog(
        pdf,
        "Recovery sheet",
        suggested_file_name="sheet.pdf",
        on_printed=lambda pages: record_printed(me, "Recovery sheet", pages),
        on_save=lambda path: (save_pdf(me, "Recovery sheet", pdf, Path(path)), saved.append(path)),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_print_preview_prints_through_the_print_dialog_and_audits(
    qtbot: QtBot, school: School, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _preview(qtbot, school, [])
    assert dialog.pages_label.text() == "1 page"
    dialogs.set_next_answer(False)  # cancelled in the print dialog
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert dialog.printed_pages == 0
    out = tmp_path / "printer.pdf"

    dialogs.set_next_answer(on_paper(monkeypatch, out))
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(out).pages) == 1
    entry = audit_entries(school.signed_in)[0]
    assert (entry.action, entry.details) == (
        "document.printed",
        {"document": "Recovery sheet", "pages": 1},
    )


def test_save_as_pdf_warns_first_and_is_recorded(
    qtbot: QtBot, school: School, tmp_path: Path
) -> None:
    saved: list[str] = []
    dialog = _preview(qtbot, school, saved)
    dialogs.set_next_answer(False)  # changed their mind at the warning
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "not encrypted" in dialogs.shown[-1][1]
    assert saved == []
    dialogs.set_next_answer(True)
    dialogs.set_next_answer(str(tmp_path / "sheet"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved == [str(tmp_path / "sheet.pdf")]
    text = PdfReader(tmp_path / "sheet.pdf").pages[0].extract_text()
    assert school.recovery_key.split("-")[0] in text
    assert audit_entries(school.signed_in)[0].action == "document.saved_unencrypted"


def test_the_table_models_pass_the_model_tester(qtmodeltester, school: School) -> None:  # type: ignore[no-untyped-def]
    audit = audit_model()
    audit.set_rows(audit_entries(school.signed_in))
    qtmodeltester.check(audit)
    accounts = account_model()
    from esafety_desktop.services.accounts import list_accounts

    accounts.set_rows(list_accounts(school.signed_in))
    qtmodeltester.check(accounts)


def test_a_case_opens_from_the_persons_incidents_tab(qtbot: QtBot, school: School) -> None:
    from esafety_desktop.domain.people import PersonKind
    from esafety_desktop.services import incidents, people
    from tests.services.test_incidents import NUDES_REFERRED, _new

    amy = people.add_person(
        school.signed_in,
        people.PersonForm(PersonKind.PUPIL, "Amy", "Ash", date_of_birth=date(2015, 1, 2)),
    )
    case = incidents.record_incident(school.signed_in, _new(amy, NUDES_REFERRED))
    window = MainWindow(
        school.signed_in, on_lock=lambda: None, on_sign_out=lambda: None, on_close=lambda: None
    )
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)  # the cases are read on the worker
    window.incidents.filters.status_filter.setCurrentIndex(
        window.incidents.filters.status_filter.findData("closed")
    )  # a filter that hides the case
    window.show_page("People")
    window.people.select_person(amy)
    settle(qtbot)  # the chosen record is read on the worker
    view = window.people.panel.incidents_view
    view.setCurrentIndex(view.model().index(0, 0))
    view.activated.emit(view.currentIndex())
    assert window.current_page_title() == "Incidents"
    assert window.incidents.selected_id == case.id
    settle(qtbot)  # the case is read on the worker
    assert case.reference in window.incidents.case.toPlainText()


def test_the_school_year_start_is_a_school_setting(qtbot: QtBot, main: MainWindow) -> None:
    from PySide6.QtCore import QDate

    from esafety_desktop.services.agreements import school_year_start

    tab = main.settings.school_tab
    assert tab.year_start.date().month() == 9 and tab.year_start.date().day() == 1
    tab.year_start.setDate(QDate(2023, 8, 28))
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert tab.note.text() == "Saved."
    assert school_year_start(main.signed_in) == (8, 28)


def test_report_settings_are_school_settings(qtbot: QtBot, main: MainWindow) -> None:
    from datetime import date as day

    from PySide6.QtCore import QDate

    from esafety_desktop.services.reports import policy_review_date, report_threshold

    tab = main.settings.school_tab
    assert tab.policy_review.text() == "Not set" and tab.threshold.value() == 3
    tab.threshold.setValue(5)
    tab.policy_review.setDate(QDate(2027, 3, 1))
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert report_threshold(main.signed_in) == 5
    assert policy_review_date(main.signed_in) == day(2027, 3, 1)


def test_a_leavers_file_is_printed_sent_and_confirmed_from_their_panel(
    qtbot: QtBot, main: MainWindow
) -> None:
    from esafety_desktop.domain.people import PersonKind
    from esafety_desktop.services import people, transfers
    from esafety_desktop.ui.transfer_tab import ConfirmDialog, SendDialog

    me = main.signed_in
    amy = people.add_person(
        me, people.PersonForm(PersonKind.PUPIL, "Amy", "Ash", date_of_birth=date(2014, 3, 1))
    )
    people.mark_left(me, amy, date.today(), "Anyshire Academy")
    main.people.refresh()
    main.people.show_left.setChecked(True)
    main.people.select_person(amy)
    settle(qtbot)  # the chosen record is read on the worker
    panel = main.people.panel
    tabs = [panel.tabs.tabText(i) for i in range(panel.tabs.count())]
    assert "Safeguarding file" in tabs
    tab = panel.transfer_tab
    tab.print_chronology()
    settle(qtbot)
    assert tab.preview.title == "Safeguarding chronology"
    tab.preview.reject()
    tab.send()
    send = tab.dialog
    assert isinstance(send, SendDialog) and send.sent_to.text() == "Anyshire Academy"
    press_ok(qtbot, send)
    assert tab.list.item(0).text().startswith(f"{date.today():%d/%m/%Y} to Anyshire Academy")
    tab.confirm()
    confirm = tab.dialog
    assert isinstance(confirm, ConfirmDialog)
    press_ok(qtbot, confirm)
    assert confirm.message.text() == "Say who at the new school confirmed they have the file."
    qtbot.keyClicks(confirm.confirmed_by, "Ms Reed, DSL")
    press_ok(qtbot, confirm)
    assert "receipt confirmed" in tab.list.item(0).text()
    assert transfers.transfers(me, amy)[0].confirmed_by == "Ms Reed, DSL"


def test_dashboard_bars_open_the_cases_they_count(qtbot: QtBot, school: School) -> None:
    from datetime import datetime

    from esafety_desktop.domain.people import PersonKind
    from esafety_desktop.services import incidents, people
    from tests.services.test_incidents import NUDES_REFERRED, _new

    amy = people.add_person(
        school.signed_in,
        people.PersonForm(PersonKind.PUPIL, "Amy", "Ash", date_of_birth=date(2015, 1, 2)),
    )
    now = datetime.now().replace(microsecond=0)
    incidents.record_incident(school.signed_in, _new(amy, NUDES_REFERRED, reported_at=now))
    window = MainWindow(
        school.signed_in, on_lock=lambda: None, on_sign_out=lambda: None, on_close=lambda: None
    )
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)  # the cases are read on the worker
    board = window.dashboard
    assert board.month_bars is not None and board.type_bars is not None
    assert board.month_bars.at(11) == 1.0  # this month, the last of twelve
    assert sum(board.month_bars.at(i) for i in range(12)) == 1.0
    board.month_bars.clicked.emit(11)
    assert window.current_page_title() == "Incidents"
    assert window.incidents.count.text() == "1 case"
    assert window.incidents.filters.period_filter.currentText() == "Between dates…"
    window.show_page("Dashboard")
    board.type_bars.clicked.emit(0)
    assert window.incidents.filters.type_filter.currentData() == "nudes"
    assert window.incidents.filters.period_filter.currentText().startswith("This school year")


def test_a_policy_review_due_soon_shows_on_the_dashboard(qtbot: QtBot, main: MainWindow) -> None:
    from datetime import timedelta

    from esafety_desktop.services.dashboard import Target, dashboard
    from esafety_desktop.services.reports import set_policy_review_date

    set_policy_review_date(main.signed_in, date.today() + timedelta(days=60))
    assert Target.POLICY_REVIEW not in [i.target for i in dashboard(main.signed_in).items]
    set_policy_review_date(main.signed_in, date.today() - timedelta(days=1))
    item = next(i for i in dashboard(main.signed_in).items if i.target is Target.POLICY_REVIEW)
    assert item.urgent and item.title == "The online safety policy's review is overdue"
    main.go_to(Target.POLICY_REVIEW)
    assert main.current_page_title() == "Settings"
    assert main.settings.tabs.currentWidget() is main.settings.school_tab


def test_a_new_recovery_key_from_settings_prints_and_is_recorded_as_kept(
    qtbot: QtBot, school: School, main: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = main.settings.security_tab
    assert tab is not None
    main.show_page("Settings")
    main.settings.show_tab(tab)
    dialogs.set_next_answer(True)  # yes, make a new key
    qtbot.mouseClick(tab.new_key_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert tab.sheet_state.text() == "New recovery key made: print the sheet now."
    out = tmp_path / "sheet.pdf"
    dialogs.set_next_answer(on_paper(monkeypatch, out))
    qtbot.mouseClick(tab.preview.print_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert tab.sheet_state.text() == "The current recovery key is kept safe: the sheet printed."
    assert settings.school_settings(school.signed_in).recovery_sheet_kept == "printed"
    assert len(PdfReader(out).pages) == 1
    shown = PdfReader(io.BytesIO(bytes(tab.preview._bytes.data())))
    assert "recovery key" in shown.pages[0].extract_text().lower()
    actions = [e.action for e in audit_entries(school.signed_in)]
    assert actions.index("document.printed") < actions.index("recovery_key.replaced")


def test_the_dashboard_charts_outlive_a_garbage_collection(qtbot: QtBot, school: School) -> None:
    """Found on the demo's screenshots: the charts vanished once the garbage was collected."""
    import gc

    from esafety_desktop.ui.main_window import MainWindow
    from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil
    from tests.ui.waiting import settle

    incidents.record_incident(school.signed_in, _new(_pupil(school), NUDES_REFERRED))
    window = MainWindow(
        school.signed_in,
        on_lock=lambda: None,
        on_sign_out=lambda: None,
        on_close=lambda: None,
        on_restore=lambda: None,
    )
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    gc.collect()
    qtbot.wait(150)
    charts = window.dashboard.charts
    assert charts.count() == 2
    assert all(charts.itemAt(i).widget().isVisible() for i in range(2))

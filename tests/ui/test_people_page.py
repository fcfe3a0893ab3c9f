"""The People page and the MIS import wizard, driven as a DSL would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.invented_people import PRIMARY_YEARS, invented_pupils, pupil_csv
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.services import people
from esafety_desktop.services.people_import import apply_import, open_table, plan_import
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.import_wizard import ImportWizard
from esafety_desktop.ui.pages.people import PeoplePage
from esafety_desktop.ui.people_models import people_model
from tests.conftest import School
from tests.ui.waiting import press_ok, settle

CSV = Path(__file__).parent.parent / "domain" / "csv"


def _import_invented(school: School, count: int) -> None:
    table, mapping = open_table(pupil_csv(invented_pupils(count, PRIMARY_YEARS)))
    plan = plan_import(school.signed_in, table, mapping, file_name="roll.csv", full_roll=False)
    apply_import(school.signed_in, plan, skip_rows=set())


@pytest.fixture
def page(qtbot: QtBot, school: School) -> Iterator[PeoplePage]:
    _import_invented(school, 60)
    widget = PeoplePage(school.signed_in)
    qtbot.addWidget(widget)
    widget.show()
    yield widget


def test_search_as_you_type_and_filters(qtbot: QtBot, page: PeoplePage) -> None:
    assert page.count.text() == "60 of 60"
    someone = page.rows[7]
    qtbot.keyClicks(page.search, someone.surname.lower()[:4])
    qtbot.waitUntil(lambda: page.proxy.rowCount() < 60, timeout=2000)
    assert all(someone.surname.lower()[:4] in n.lower() for n in page.shown_names())
    page.search.clear()
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 60, timeout=2000)
    page.year.setCurrentIndex(page.year.findText("Reception"))
    assert page.proxy.rowCount() == len([r for r in page.rows if r.year_group == "R"])
    page.class_box.setCurrentIndex(page.class_box.findText("RA"))
    assert {page.proxy.index(r, 3).data() for r in range(page.proxy.rowCount())} <= {"RA"}
    page.year.setCurrentIndex(0)
    page.class_box.setCurrentIndex(0)
    page.flag_boxes["send"].setChecked(True)
    assert page.proxy.rowCount() == len([r for r in page.rows if r.send])
    assert all("SEND" in page.proxy.index(r, 4).data() for r in range(page.proxy.rowCount()))


def test_choosing_someone_shows_them_and_is_audited(
    qtbot: QtBot, school: School, page: PeoplePage
) -> None:
    page.table.selectRow(0)
    settle(qtbot)  # the chosen record is read on the worker
    first = page.panel.heading.text()
    assert first == page.proxy.index(0, 0).data()
    assert page.panel.tabs.count() == 1  # no linked people yet: no tab for them
    from esafety_desktop.services.audit_log import audit_entries

    assert audit_entries(school.signed_in)[0].action == "person.viewed"


def test_add_a_parent_and_link_them_then_the_tab_appears(qtbot: QtBot, page: PeoplePage) -> None:
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    dialog.kind.setCurrentIndex(dialog.kind.findData(PersonKind.PARENT.value))
    assert not dialog.dob.isVisible() and dialog.phone.isVisible()
    qtbot.keyClicks(dialog.forename, "Dana")
    qtbot.keyClicks(dialog.surname, "Invented")
    qtbot.keyClicks(dialog.role, "Mother")
    press_ok(qtbot, dialog)
    assert page.panel.heading.text() == "Dana Invented"
    pupil = next(r for r in page.rows if r.kind is PersonKind.PUPIL)
    page.select_person(pupil.id)
    settle(qtbot)  # the chosen record is read on the worker
    qtbot.mouseClick(page.panel.link_button, Qt.MouseButton.LeftButton)
    link = page.dialog
    link.person.setCurrentIndex(link.person.findText("Dana Invented"))
    press_ok(qtbot, link)
    assert page.panel.tabs.tabText(1) == "Linked people"
    assert page.panel.links_model.index(0, 0).data() == "Dana Invented"


def test_a_pupil_without_a_date_of_birth_is_refused_in_the_dialog(
    qtbot: QtBot, page: PeoplePage
) -> None:
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.keyClicks(dialog.forename, "Noel")
    qtbot.keyClicks(dialog.surname, "Invented")
    qtbot.keyClicks(dialog.dob, "31/02/2018")
    press_ok(qtbot, dialog)
    assert "is not a real date" in dialog.message.text()
    assert dialog.isVisible()


def test_a_year_group_that_does_not_fit_the_date_of_birth_is_questioned_not_refused(
    qtbot: QtBot, page: PeoplePage, school: School
) -> None:
    from datetime import datetime

    from tests.ui.stepping import click, type_into

    school.clock.set(datetime(2026, 12, 1, 10, 0).astimezone())
    click(qtbot, page.add_button)
    dialog = page.dialog
    type_into(qtbot, dialog.forename, "Gwenllïan")
    type_into(qtbot, dialog.surname, "Tŷ-Ŵyn")
    type_into(qtbot, dialog.dob, "04/09/2016")
    dialog.year.setCurrentIndex(dialog.year.findData("3"))
    assert dialog.year_warning.isVisible()
    assert "usually in Year 5 this school year, not Year 3" in dialog.year_warning.text()
    dialog.year.setCurrentIndex(dialog.year.findData("5"))
    assert not dialog.year_warning.isVisible()
    dialog.year.setCurrentIndex(dialog.year.findData("3"))
    press_ok(qtbot, dialog)  # a warning: the pupil is still saved as typed
    assert not dialog.isVisible(), dialog.message.text()
    saved = next(p for p in people.list_people(school.signed_in) if p.name == "Gwenllïan Tŷ-Ŵyn")
    assert saved.year_group == "3"


def test_a_date_can_be_picked_from_a_calendar_as_well_as_typed(
    qtbot: QtBot, page: PeoplePage
) -> None:
    from PySide6.QtWidgets import QCalendarWidget, QToolButton

    from tests.ui.stepping import click, type_into

    click(qtbot, page.add_button)
    dialog = page.dialog
    type_into(qtbot, dialog.dob, "10/03/2017")
    button = next(b for b in dialog.dob.findChildren(QToolButton) if b.isVisible())
    assert button.defaultAction().text() == "Choose the date from a calendar"
    click(qtbot, button)
    calendar = dialog.dob.calendar_menu.findChild(QCalendarWidget)
    assert calendar.selectedDate().toString("dd/MM/yyyy") == "10/03/2017"
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Right)
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Return)
    assert dialog.dob.text() == "11/03/2017"


def test_marking_a_leaver_keeps_them_shown_as_left(qtbot: QtBot, page: PeoplePage) -> None:
    pupil = page.rows[0]
    page.select_person(pupil.id)
    settle(qtbot)  # the chosen record is read on the worker
    qtbot.mouseClick(page.panel.left_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    dialog.when.setText("20/11/2026")
    qtbot.keyClicks(dialog.destination, "Hillside Academy (invented)")
    press_ok(qtbot, dialog)
    assert "Left on 20/11/2026 to Hillside Academy (invented)" in page.panel.status.text()
    page.show_left.setChecked(False)
    assert pupil.name not in page.shown_names()
    page.show_left.setChecked(True)
    assert pupil.name in page.shown_names()


def test_the_import_wizard_refuses_problems_until_skipped(
    qtbot: QtBot, school: School, page: PeoplePage, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        (CSV / "sims_like.csv").read_bytes() + b"Nobody,,,01/01/2018,,X9,3,3A,N,No,No\r\n"
    )
    wizard = ImportWizard(school.signed_in, page)
    qtbot.addWidget(wizard)
    wizard.show()
    dialogs.set_next_answer(str(bad))
    qtbot.mouseClick(wizard.file_page.browse, Qt.MouseButton.LeftButton)
    wizard.next()  # the file is read on the worker; the wizard goes on once it is
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.columns_page, timeout=10000)
    assert wizard.columns_page.boxes["surname"].currentText() == "Legal Surname"
    assert wizard.columns_page.samples["surname"].text() == "e.g. Ashdown"
    wizard.next()
    assert wizard.currentPage() is wizard.check_page
    check = wizard.check_page
    assert "1 row with problems" in check.summary.text()
    assert check.problems_model.index(0, 0).data() == "7"
    assert check.problems_model.index(0, 1).data() == "Nobody"  # who the row is about
    assert "the forename is missing" in check.problems_model.index(0, 2).data()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    check.skip.setChecked(True)
    assert wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.import_page.summary is not None, timeout=10000)
    assert wizard.import_page.result.text().startswith("Imported: 5 new pupils")
    assert wizard.import_page.bar.value() == wizard.import_page.bar.maximum()
    assert len(people.list_people(school.signed_in)) == 65


def test_an_excel_workbook_is_refused_on_the_first_page(
    qtbot: QtBot, school: School, page: PeoplePage, tmp_path: Path
) -> None:
    workbook = tmp_path / "roll.xlsx"
    workbook.write_bytes(b"PK\x03\x04rest of a zip")
    wizard = ImportWizard(school.signed_in, page)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(workbook))
    wizard.next()
    qtbot.waitUntil(lambda: "CSV UTF-8" in wizard.file_page.message.text(), timeout=10000)
    assert wizard.currentPage() is wizard.file_page


def test_the_export_is_read_off_the_windows_thread(
    qtbot: QtBot, school: School, page: PeoplePage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19, item 7: a 20 MB export takes a while to read and check; the window's thread
    never does it."""
    import threading

    from esafety_desktop.ui import import_wizard

    threads: list[int] = []
    real = import_wizard.read_and_open

    def watched(path: Path) -> object:
        threads.append(threading.get_ident())
        return real(path)

    monkeypatch.setattr(import_wizard, "read_and_open", watched)
    export = tmp_path / "roll.csv"
    export.write_bytes((CSV / "sims_like.csv").read_bytes())
    wizard = ImportWizard(school.signed_in, page)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(export))
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.columns_page, timeout=10000)
    assert threads and threading.get_ident() not in threads


def test_the_people_model_passes_the_model_tester(qtmodeltester, school: School) -> None:  # type: ignore[no-untyped-def]
    _import_invented(school, 20)
    model = people_model("pupil")
    model.set_rows(people.list_people(school.signed_in))
    qtmodeltester.check(model)
    assert model.index(0, 2).data() in {f"Year {n}" for n in range(1, 7)} | {"Reception"}


def test_the_dashboard_opens_the_possible_leavers(qtbot: QtBot, school: School) -> None:
    from esafety_desktop.services.dashboard import Target
    from esafety_desktop.ui.main_window import MainWindow

    _import_invented(school, 10)
    table, mapping = open_table(pupil_csv(invented_pupils(10, PRIMARY_YEARS)[:7]))
    plan = plan_import(school.signed_in, table, mapping, file_name="roll.csv", full_roll=True)
    apply_import(school.signed_in, plan, skip_rows=set())
    window = MainWindow(
        school.signed_in, on_lock=lambda: None, on_sign_out=lambda: None, on_close=lambda: None
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.mouseClick(window.dashboard.buttons[Target.POSSIBLE_LEAVERS], Qt.MouseButton.LeftButton)
    assert window.current_page_title() == "People"
    assert window.people.proxy.rowCount() == 3
    assert {window.people.proxy.index(r, 5).data() for r in range(3)} == {"Possible leaver"}

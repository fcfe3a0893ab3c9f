"""The incident wizard, driven page by page as a DSL would, and the Incidents page."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.incidents import PersonRole, WalkStep
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.services import incidents, people
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.incident_wizard import IncidentWizard
from esafety_desktop.ui.incidents.wizard_pages import StepPage
from esafety_desktop.ui.pages.incidents import IncidentsPage
from tests.conftest import School
from tests.ui.waiting import press_ok, settle


def _amy(school: School) -> int:
    return people.add_person(
        school.signed_in,
        people.PersonForm(
            PersonKind.PUPIL, "Amy", "Ash", date_of_birth=date(2014, 3, 1), class_name="6A"
        ),
    )


def _open_case(qtbot: QtBot, school: School) -> tuple[incidents.IncidentSummary, IncidentsPage]:
    """A recorded nudes case (immediate referral), chosen on the Incidents page."""
    from tests.services.test_incidents import NUDES_REFERRED, _new

    case = incidents.record_incident(school.signed_in, _new(_amy(school), NUDES_REFERRED))
    page = IncidentsPage(school.signed_in)
    qtbot.addWidget(page)
    page.show()
    page.select(case.id)
    settle(qtbot)  # the chosen record is read on the worker
    return case, page


def _fill_report_and_people(qtbot: QtBot, wizard: IncidentWizard, amy: int) -> None:
    report = wizard.report
    qtbot.keyClicks(report.reported_by, "Kim Lowe (class teacher)")
    report.summary.setPlainText("Amy said an older boy online asked her for photos.")
    report.child_words.setPlainText("He said I had to.")
    wizard.next()
    assert wizard.currentPage() is wizard.people_page
    wizard.people_page.add_person(amy, PersonRole.TARGET)
    wizard.next()


def _answer(wizard: IncidentWizard, label_start: str, reasons: str) -> None:
    page = wizard.currentPage()
    assert isinstance(page, StepPage) and page.step.kind == "question"
    button = next(b for b in page.choices.buttons() if b.text().startswith(label_start))
    button.setChecked(True)
    page.reasons.setPlainText(reasons)
    wizard.next()


def _act(wizard: IncidentWizard, reference: str = "") -> None:
    page = wizard.currentPage()
    assert isinstance(page, StepPage)
    if reference:
        page.reference.setText(reference)
    wizard.next()


def test_a_nudes_case_with_an_immediate_referral_from_first_click_to_the_log(
    qtbot: QtBot, school: School
) -> None:
    amy = _amy(school)
    wizard = IncidentWizard(school.signed_in)
    qtbot.addWidget(wizard)
    recorded: list[object] = []
    wizard.recorded.connect(recorded.append)
    wizard.show()
    _fill_report_and_people(qtbot, wizard, amy)
    _act(wizard)  # the report guidance
    _answer(wizard, "No", "Amy is safe in class.")
    _answer(wizard, "Nudes", "Photos were asked for.")
    page = wizard.currentPage()
    assert isinstance(page, StepPage) and page.step.id == "nudes_do_not_view"
    assert "No images are ever stored" in " ".join(
        label.text() for label in page.findChildren(type(wizard.report.message))
    )
    _act(wizard)
    _act(wizard)  # review meeting, done by the DSL
    _answer(wizard, "Yes", "An adult may be involved.")
    _act(wizard, reference="MASH-4471")
    _answer(wizard, "Yes", "Parents supportive.")
    for _ in range(4):  # record, debrief, review policies, implement changes
        _act(wizard)
    assert wizard.currentPage().step.id == "monitor"  # type: ignore[attr-defined]
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert len(recorded) == 1
    case = incidents.list_incidents(school.signed_in)[0]
    assert (case.incident_type, case.branch) == ("nudes", "illegal")
    entries = incidents.chronology(school.signed_in, case.id)
    assert any(e.reference == "MASH-4471" and e.done_by == "Jo Bloggs" for e in entries)
    assert incidents.my_drafts(school.signed_in) == []  # the draft went once recorded


def test_a_decision_without_reasons_stays_on_its_page(qtbot: QtBot, school: School) -> None:
    amy = _amy(school)
    wizard = IncidentWizard(school.signed_in)
    qtbot.addWidget(wizard)
    wizard.show()
    _fill_report_and_people(qtbot, wizard, amy)
    _act(wizard)
    page = wizard.currentPage()
    assert isinstance(page, StepPage)
    page.choices.buttons()[1].setChecked(True)
    wizard.next()
    assert wizard.currentPage() is page
    assert page.message.text() == "Write down the reasons for this decision."


def test_a_closed_wizard_reopens_from_its_draft_where_it_stopped(
    qtbot: QtBot, school: School
) -> None:
    amy = _amy(school)
    wizard = IncidentWizard(school.signed_in)
    qtbot.addWidget(wizard)
    wizard.show()
    _fill_report_and_people(qtbot, wizard, amy)
    _act(wizard)
    _answer(wizard, "No", "Safe in class.")
    wizard.close()
    settle(qtbot)  # closing keeps the draft, saved on the worker
    assert not wizard.isVisible()
    drafts = incidents.my_drafts(school.signed_in)
    assert [d.label for d in drafts] == ["Amy said an older boy online asked her for photos."]
    again = IncidentWizard(school.signed_in, draft_id=drafts[0].id)
    qtbot.addWidget(again)
    again.show()
    assert again.report.reported_by.text() == "Kim Lowe (class teacher)"
    assert [name for _, name, _ in again.people_page.chosen] == ["Amy Ash"]
    assert again.currentPage().step.id == "incident_type"  # type: ignore[attr-defined]


def test_the_incidents_page_shows_the_case_and_takes_a_note(qtbot: QtBot, school: School) -> None:
    from tests.services.test_incidents import NUDES_REFERRED, _new

    case = incidents.record_incident(school.signed_in, _new(_amy(school), NUDES_REFERRED))
    page = IncidentsPage(school.signed_in)
    qtbot.addWidget(page)
    page.show()
    assert page.count.text() == "1 case"
    page.select(case.id)
    settle(qtbot)  # the chosen record is read on the worker
    html = page.case.toPlainText()
    assert "OS-2026-0001" in html and "MASH-4471" in html
    dialogs.set_next_answer("Spoke to Amy's mother; she is reassured.")
    qtbot.mouseClick(page.case_actions.note_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert "Spoke to Amy's mother" in page.case.toPlainText()


def test_the_printed_record_answers_what_who_what_was_done_and_why(
    qtbot: QtBot, school: School, tmp_path: Path
) -> None:
    from tests.ui.printing import print_to_file

    _case, page = _open_case(qtbot, school)
    qtbot.mouseClick(page.case_actions.print_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    out = tmp_path / "record.pdf"
    dialogs.set_next_answer(print_to_file(out))
    qtbot.mouseClick(page.case_actions.preview.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(out).pages) == page.case_actions.preview.document.pageCount() >= 1
    shown = bytes(page.case_actions.preview._bytes.data())  # what the preview showed and printed
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(shown)).pages)
    for expected in (
        "OS-2026-0001",
        "Amy Ash",
        "Target",
        "Kim Lowe",
        "He said I had to",
        "MASH-4471",
        "An adult may be involved",
        "Done by Jo Bloggs",
        "Signature",
        "OFFICIAL-SENSITIVE",
    ):
        assert expected in text, expected
    page.case_actions.preview.reject()


def test_the_person_panel_gains_an_incidents_tab_once_there_is_a_case(
    qtbot: QtBot, school: School
) -> None:
    from esafety_desktop.ui.pages.people import PeoplePage
    from tests.services.test_incidents import NUDES_REFERRED, _new

    amy = _amy(school)
    page = PeoplePage(school.signed_in)
    qtbot.addWidget(page)
    page.show()
    page.select_person(amy)
    settle(qtbot)  # the chosen record is read on the worker
    assert [page.panel.tabs.tabText(i) for i in range(page.panel.tabs.count())] == ["Details"]
    incidents.record_incident(school.signed_in, _new(amy, NUDES_REFERRED))
    page.refresh()
    page.select_person(amy)
    settle(qtbot)  # the chosen record is read on the worker
    page.table.clearSelection()
    page.select_person(amy)
    settle(qtbot)  # the chosen record is read on the worker
    tabs = [page.panel.tabs.tabText(i) for i in range(page.panel.tabs.count())]
    assert tabs == ["Details", "Incidents", "Safeguarding file"]
    assert page.panel.incidents_model.index(0, 2).data() == "Target"


def test_closing_a_case_asks_the_closing_questions_and_records_them(
    qtbot: QtBot, school: School
) -> None:

    _case, page = _open_case(qtbot, school)
    qtbot.mouseClick(page.case_actions.status_button, Qt.MouseButton.LeftButton)
    dialog = page.case_actions.dialog
    dialog.status.setCurrentIndex(dialog.status.findText("Closed"))
    assert dialog.lessons.isVisible()
    dialog.reasons.setPlainText("Police and MASH have finished; family supported.")
    press_ok(qtbot, dialog)
    assert "record the outcome" in dialog.message.text()
    dialog.outcome.setPlainText("No further action by police; pastoral support in place.")
    dialog.lessons.setPlainText("Remind Year 6 about reporting routes.")
    press_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert incidents.list_incidents(school.signed_in)[0].status.value == "closed"
    text = page.case.toPlainText()
    assert "Status: Open → Closed" in text and "Lessons learned: Remind Year 6" in text


def _misuse_walk(qtbot: QtBot, school: School, pupil: int, category: str) -> StepPage:
    wizard = IncidentWizard(school.signed_in)
    qtbot.addWidget(wizard)
    wizard.show()
    report = wizard.report
    qtbot.keyClicks(report.reported_by, "Office manager")
    report.summary.setPlainText("Used another pupil's login.")
    wizard.next()
    wizard.people_page.add_person(pupil, PersonRole.ALLEGED_PERPETRATOR)
    wizard.next()
    _act(wizard)
    _answer(wizard, "No", "Safe.")
    _answer(wizard, "Misuse", "Someone else's account")
    page = wizard.currentPage()
    assert isinstance(page, StepPage) and page.misuse is not None
    page.misuse.setCurrentIndex(page.misuse.findData(category))
    return page


def test_a_second_c2_misuse_by_the_same_pupil_suggests_the_second_response(
    qtbot: QtBot, school: School
) -> None:
    amy = _amy(school)
    first = _misuse_walk(qtbot, school, amy, "C2")
    assert "First C2 incident" in first.suggestion.text()
    assert first.outcome.text() == "Teacher or pastoral detention"
    wizard = first.wizard()
    wizard.next()
    _answer(wizard, "No", "Nothing to review.")
    for _ in range(4):
        _act(wizard)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert incidents.list_incidents(school.signed_in)[0].incident_type == "pupil_misuse"
    second = _misuse_walk(qtbot, school, amy, "C2")
    assert "1 earlier C2 incident" in second.suggestion.text()
    assert "Blocked from using the system for 1 week" in second.outcome.text()
    other = _misuse_walk(qtbot, school, amy, "C3")
    assert "First C3 incident" in other.suggestion.text()


def test_searching_and_filtering_the_cases(qtbot: QtBot, school: School) -> None:
    from tests.services.test_incidents import NUDES_REFERRED, _new

    amy = _amy(school)
    incidents.record_incident(school.signed_in, _new(amy, NUDES_REFERRED))
    incidents.record_incident(
        school.signed_in,
        _new(
            amy,
            [
                *NUDES_REFERRED[:2],
                WalkStep("incident_type", choice="Cyberbullying", reasons="Unkind messages"),
                WalkStep("bullying_evidence", done_by="Jo Bloggs", outcome="Screenshots kept"),
                WalkStep("strategy_meeting", done_by="Jo Bloggs"),
                WalkStep("device_review_needed", choice="No", reasons="Not needed"),
                *NUDES_REFERRED[-5:],
            ],
        ),
    )
    page = IncidentsPage(school.signed_in)
    qtbot.addWidget(page)
    page.show()
    filters = page.filters
    assert page.count.text() == "2 cases"
    qtbot.keyClicks(filters.search, "m")  # one letter would match nearly everything
    qtbot.waitUntil(lambda: "type two or more letters" in page.count.text(), timeout=2000)
    assert page.model.rowCount() == 2
    filters.search.clear()
    qtbot.keyClicks(filters.search, "mash-44")
    qtbot.waitUntil(lambda: page.count.text() == "1 of 2 cases", timeout=2000)
    filters.search.clear()
    qtbot.waitUntil(lambda: page.count.text() == "2 cases", timeout=2000)
    qtbot.keyClicks(filters.search, "screensh")
    qtbot.waitUntil(lambda: page.count.text() == "1 of 2 cases", timeout=2000)
    assert page.model.index(0, 2).data() == "Cyberbullying"
    filters.search.clear()
    filters.type_filter.setCurrentIndex(filters.type_filter.findData("nudes"))
    assert page.count.text() == "1 of 2 cases"
    with qtbot.waitSignal(filters.search.settled, timeout=2000):  # the search after typing
        qtbot.keyClicks(filters.search, "amy ash")  # a name of someone involved
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)


def test_the_evidence_dialog_offers_no_screenshot_for_nudes_and_logs_a_device(
    qtbot: QtBot, school: School, tmp_path: Path
) -> None:

    _case, page = _open_case(qtbot, school)
    qtbot.mouseClick(page.case_actions.evidence_button, Qt.MouseButton.LeftButton)
    dialog = page.case_actions.dialog
    kinds = [dialog.kind.itemText(i) for i in range(dialog.kind.count())]
    assert "Screenshot" not in kinds
    dialog.kind.setCurrentIndex(dialog.kind.findText("Device held"))
    qtbot.keyClicks(dialog.description, "Amy's phone, switched off")
    qtbot.keyClicks(dialog.held_where, "School safe")
    qtbot.keyClicks(dialog.held_by, "Jo Bloggs")
    press_ok(qtbot, dialog)
    assert "Device held" in page.case.toPlainText()
    assert "kept in School safe by Jo Bloggs" in page.case.toPlainText()


def test_the_headteacher_reviews_and_signs_off_a_case(qtbot: QtBot, school: School) -> None:
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.services.dashboard import Target, dashboard
    from esafety_desktop.storage.device_secret import DeviceSecretStore
    from tests.conftest import HEAD_PASSWORD, add_head
    from tests.services.test_incidents import NUDES_REFERRED, _new

    add_head(school)
    case = incidents.record_incident(school.signed_in, _new(_amy(school), NUDES_REFERRED))
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    titles = [i.title for i in dashboard(head).items if i.target is Target.INCIDENTS]
    assert "1 case to review and sign off" in titles
    page = IncidentsPage(head)
    qtbot.addWidget(page)
    page.show()
    assert not page.new_button.isVisibleTo(page)
    assert page.case_actions.sign_off_button.isVisibleTo(page)
    page.select(case.id)
    settle(qtbot)  # the chosen record is read on the worker
    dialogs.set_next_answer("Actions appropriate and timely.")
    qtbot.mouseClick(page.case_actions.sign_off_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    text = page.case.toPlainText()
    assert "Reviewed and signed off by Pat Head (Headteacher)" in text
    assert "Actions appropriate and timely." in text
    assert not [i for i in dashboard(head).items if "sign off" in i.title]
    head.sign_out()


def test_actions_with_owners_and_due_dates_and_the_overdue_ones_on_the_dashboard(
    qtbot: QtBot, school: School
) -> None:
    from esafety_desktop.services.dashboard import dashboard

    _case, page = _open_case(qtbot, school)
    qtbot.mouseClick(page.case_actions.action_button, Qt.MouseButton.LeftButton)
    dialog = page.case_actions.dialog
    qtbot.keyClicks(dialog.what, "Check Amy is attending counselling")
    dialog.due.setText("01/11/2026")
    press_ok(qtbot, dialog)
    assert "overdue" in page.case.toPlainText()
    late = next(i for i in dashboard(school.signed_in).items if "overdue" in i.title)
    assert late.title == "1 overdue action" and "Check Amy is attending" in late.detail
    dialogs.set_next_answer("Check Amy is attending counselling (Jo Bloggs, due 01/11/2026)")
    dialogs.set_next_answer("She attended both sessions.")
    qtbot.mouseClick(page.case_actions.done_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert "(done)" in page.case.toPlainText()
    assert not [i for i in dashboard(school.signed_in).items if "overdue" in i.title]


def test_a_device_review_by_two_senior_staff_is_kept_and_printed_for_signing(
    qtbot: QtBot, school: School
) -> None:

    _case, page = _open_case(qtbot, school)
    qtbot.mouseClick(page.case_actions.review_button, Qt.MouseButton.LeftButton)
    dialog = page.case_actions.dialog
    qtbot.keyClicks(dialog.reason, "Concern about sites visited on the library PC")
    qtbot.keyClicks(dialog.first_name, "Jo Bloggs")
    qtbot.keyClicks(dialog.first_position, "DSL")
    qtbot.keyClicks(dialog.second_name, "Jo Bloggs")
    qtbot.keyClicks(dialog.second_position, "Deputy head")
    qtbot.keyClicks(dialog.computer, "Office laptop OAK-LT-099, head's office")
    dialog.items.setPlainText("chat.example/room7 | messages to pupils from an adult")
    qtbot.keyClicks(dialog.conclusion, "The concern has substance")
    press_ok(qtbot, dialog)
    assert "must be different people" in dialog.message.text()
    dialog.second_name.setText("Sam Patel")
    dialog.found.setChecked(True)
    assert dialog.action.currentText() == "Police"
    press_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert "Devices or sites reviewed by two senior staff" in page.case.toPlainText()
    shown = bytes(page.case_actions.preview._bytes.data())
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(shown)).pages)
    for expected in (
        "Record of reviewing devices",
        "Jo Bloggs (DSL)",
        "Sam Patel (Deputy head)",
        "chat.example/room7",
        "Child abuse images were found",
        "Signature",
    ):
        assert expected in text, expected
    page.case_actions.preview.reject()


def test_a_correction_from_the_window_keeps_the_original(qtbot: QtBot, school: School) -> None:

    case, page = _open_case(qtbot, school)
    wrong = next(e for e in incidents.chronology(school.signed_in, case.id) if e.reference)
    dialogs.set_next_answer(f"{wrong.recorded_at:%d/%m/%Y %H:%M} · {wrong.title}")
    dialogs.set_next_answer("Reference is MASH-4417")
    dialogs.set_next_answer("Digits swapped when typing")
    qtbot.mouseClick(page.case_actions.correct_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    text = page.case.toPlainText()
    assert "MASH-4471" in text and "MASH-4417" in text
    assert "Corrected later" in text and "Why corrected: Digits swapped" in text


def test_filtering_by_kind_of_risk_year_group_person_and_dates(
    qtbot: QtBot, school: School
) -> None:
    from dataclasses import replace
    from datetime import datetime

    from esafety_desktop.domain.incidents import RiskCategory
    from tests.services.test_incidents import NUDES_REFERRED, _new

    def pupil(forename: str, year: str) -> int:
        return people.add_person(
            school.signed_in,
            people.PersonForm(
                PersonKind.PUPIL, forename, "Ash", date_of_birth=date(2015, 3, 1), year_group=year
            ),
        )

    amy, ben = pupil("Amy", "5"), pupil("Ben", "3")
    today = datetime.now().replace(microsecond=0)
    incidents.record_incident(
        school.signed_in,
        _new(amy, NUDES_REFERRED, reported_at=today, category=RiskCategory.CONTACT),
    )
    incidents.record_incident(
        school.signed_in,
        _new(
            ben,
            NUDES_REFERRED,
            reported_at=today.replace(year=today.year - 2),
            category=RiskCategory.CONDUCT,
        ),
    )
    # Amy moves up a year: her case still counts under the year she was in then.
    form = people.person_details(school.signed_in, amy).form
    people.update_person(school.signed_in, amy, replace(form, year_group="6"))
    page = IncidentsPage(school.signed_in)
    qtbot.addWidget(page)
    page.show()
    filters = page.filters
    years = [filters.year_filter.itemText(i) for i in range(filters.year_filter.count())]
    # Ben is in Year 3 now; his case from two school years ago was entered late: Year 1 then.
    assert years == ["Any year group", "Year 1 at the time", "Year 5 at the time"]
    filters.year_filter.setCurrentIndex(filters.year_filter.findData("5"))
    assert page.count.text() == "1 of 2 cases"
    assert page.model.index(0, 1).data() == f"{today:%d/%m/%Y %H:%M}"
    filters.show_all()
    filters.category_filter.setCurrentIndex(filters.category_filter.findData("conduct"))
    assert page.count.text() == "1 of 2 cases"
    filters.show_all()
    filters.period_filter.setCurrentIndex(1)  # this school year
    assert filters.period_filter.currentText().startswith("This school year")
    assert page.count.text() == "1 of 2 cases"
    filters.period_filter.setCurrentIndex(filters.period_filter.findText("Between dates…"))
    assert filters.date_from.isVisible() and filters.date_to.isVisible()
    filters.date_from.setDate(today.date().replace(year=today.year - 3))
    assert page.count.text() == "2 cases"
    filters.show_all()
    assert not filters.date_from.isVisible()
    filters.person_filter.lineEdit().clear()
    qtbot.keyClicks(filters.person_filter.lineEdit(), "ben ash")
    filters.person_filter.lineEdit().editingFinished.emit()
    assert page.count.text() == "1 of 2 cases"
    assert filters.person_filter.currentData() == ben
    filters.person_filter.lineEdit().clear()
    qtbot.keyClicks(filters.person_filter.lineEdit(), "Nobody Known")
    filters.person_filter.lineEdit().editingFinished.emit()
    assert page.count.text() == "0 of 2 cases"
    filters.show_all()
    assert page.count.text() == "2 cases"

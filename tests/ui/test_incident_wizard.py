"""The incident wizard, driven page by page as a DSL would (clicking and typing), and the
Incidents page."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizard
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.incidents import PersonRole, StepState, WalkStep
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.services import incidents, people
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.incident_wizard import IncidentWizard
from esafety_desktop.ui.incidents.wizard_pages import StepPage, SummaryPage
from esafety_desktop.ui.pages.incidents import IncidentsPage
from tests.conftest import School
from tests.ui.stepping import (
    choose,
    click,
    done,
    next_page,
    not_needed,
    press,
    step_page,
    to_do,
    type_into,
)
from tests.ui.waiting import press_ok, settle

AMY = "Amy Ash (Pupil, 6A)"  # as the people page's box lists her
AMY_SAID = "Amy said an older boy online asked her for photos."
STOP_HERE = QWizard.WizardButton.CustomButton1  # "Stop here and check…"


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


def _report(
    qtbot: QtBot,
    wizard: IncidentWizard,
    summary: str = AMY_SAID,
    by: str = "Kim Lowe (class teacher)",
    child_words: str = "He said I had to.",
) -> None:
    """Type what was reported and go on to the flowchart's first step (its guidance)."""
    assert wizard.currentPage() is wizard.report
    type_into(qtbot, wizard.report.reported_by, by)
    type_into(qtbot, wizard.report.summary, summary)
    if child_words:
        type_into(qtbot, wizard.report.child_words, child_words)
    next_page(qtbot, wizard)
    assert step_page(wizard).step.id == "report"


def _answer(qtbot: QtBot, wizard: IncidentWizard, label_start: str, reasons: str) -> None:
    """Click the answer whose label starts so, type the reasons, and press Next."""
    page = step_page(wizard)
    assert page.step.kind == "question", page.step.id
    choose(qtbot, page.form, label_start, reasons)
    next_page(qtbot, wizard)


def _add_people(
    qtbot: QtBot, wizard: IncidentWizard, involved: list[tuple[str, PersonRole]]
) -> None:
    """On the people page: type each name as the register's box lists it, choose the role,
    press Add; then Next."""
    page = wizard.people_page
    assert wizard.currentPage() is page
    for name, role in involved:
        type_into(qtbot, page.person.lineEdit(), name)
        page.role.setCurrentIndex(page.role.findData(role.value))
        click(qtbot, page.add_button)
    next_page(qtbot, wizard)


def _to_the_kind_of_incident(
    qtbot: QtBot,
    wizard: IncidentWizard,
    kind: str,
    reasons: str,
    involved: list[tuple[str, PersonRole]],
    summary: str = AMY_SAID,
) -> None:
    """The report, its guidance, no immediate risk, the kind of incident and the people: the
    wizard is left on the kind's first step."""
    _report(qtbot, wizard, summary)
    next_page(qtbot, wizard)  # the guidance on reporting
    _answer(qtbot, wizard, "No", "Amy is safe in class.")
    _answer(qtbot, wizard, kind, reasons)
    _add_people(qtbot, wizard, involved)


def _done(qtbot: QtBot, wizard: IncidentWizard, outcome: str = "", **references: str) -> None:
    """The action step on screen done by Jo Bloggs (typed), with what came of it; Next."""
    page = step_page(wizard)
    assert page.step.kind == "action", page.step.id
    done(qtbot, page.form, "Jo Bloggs", outcome or f"Done: {page.step.title}", references)
    next_page(qtbot, wizard)


def _onwards_to_the_summary(qtbot: QtBot, wizard: IncidentWizard, no_reasons: str) -> None:
    """Every step left answered as a DSL who has finished would: questions "No" (with
    ``no_reasons``), actions done by Jo Bloggs, guidance read; up to the summary page."""
    while not isinstance(wizard.currentPage(), SummaryPage):
        page = step_page(wizard)
        if page.step.kind == "question":
            _answer(qtbot, wizard, "No", no_reasons)
        elif page.step.kind == "action":
            _done(qtbot, wizard)
        else:
            next_page(qtbot, wizard)


def record_bullying_walk(qtbot: QtBot, wizard: IncidentWizard) -> None:
    """A cyberbullying case about Amy typed into an open wizard, every step done, up to the
    summary page (Finish not pressed)."""
    _to_the_kind_of_incident(
        qtbot, wizard, "Cyberbullying", "Repeated and hurtful messages.", [(AMY, PersonRole.TARGET)]
    )
    _onwards_to_the_summary(qtbot, wizard, "The parent has the messages.")


def _wizard(qtbot: QtBot, school: School) -> IncidentWizard:
    wizard = IncidentWizard(school.signed_in)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def test_a_nudes_case_with_an_immediate_referral_from_first_click_to_the_log(
    qtbot: QtBot, school: School
) -> None:
    _amy(school)
    wizard = _wizard(qtbot, school)
    recorded: list[object] = []
    wizard.recorded.connect(recorded.append)
    _to_the_kind_of_incident(
        qtbot, wizard, "Nudes", "Photos were asked for.", [(AMY, PersonRole.TARGET)]
    )
    page = step_page(wizard)
    assert page.step.id == "nudes_do_not_view"
    assert "No images are ever stored" in " ".join(
        label.text() for label in page.form.findChildren(QLabel)
    )
    next_page(qtbot, wizard)
    _done(qtbot, wizard, "Met with the deputy DSL")  # the review meeting
    _answer(qtbot, wizard, "Yes", "An adult may be involved.")
    refer = step_page(wizard)
    assert refer.step.id == "nudes_refer"
    assert refer.form.done_by.text() == "" and refer.form.state() is None  # nothing pre-filled
    _done(qtbot, wizard, "Referral accepted", mash="MASH-4471")
    _answer(qtbot, wizard, "Yes", "Parents supportive.")
    next_page(qtbot, wizard)  # record the details in the incident log
    for _ in range(3):  # debrief, review policies, implement changes
        _done(qtbot, wizard)
    assert step_page(wizard).step.id == "monitor"
    next_page(qtbot, wizard)
    summary = wizard.currentPage()
    assert isinstance(summary, SummaryPage)
    text = summary.text.toPlainText()
    assert "Amy Ash: Target" in text and "MASH-4471" in text
    assert "The flowchart is complete" in text
    press(qtbot, wizard, QWizard.WizardButton.FinishButton)
    settle(qtbot)
    assert len(recorded) == 1
    case = incidents.list_incidents(school.signed_in)[0]
    assert (case.incident_type, case.branch) == ("nudes", "illegal")
    entries = incidents.chronology(school.signed_in, case.id)
    assert any(e.reference == "MASH-4471" and e.done_by == "Jo Bloggs" for e in entries)
    assert incidents.my_drafts(school.signed_in) == []  # the draft went once recorded


def test_a_decision_without_reasons_stays_on_its_page(qtbot: QtBot, school: School) -> None:
    wizard = _wizard(qtbot, school)
    _report(qtbot, wizard)
    next_page(qtbot, wizard)
    page = step_page(wizard)
    assert page.step.id == "immediate_risk"
    click(qtbot, page.form.choices.buttons()[1])  # "No", with no reasons typed
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    assert wizard.currentPage() is page
    assert page.message.text() == "Write down the reasons for the decision."


def test_an_action_step_left_unanswered_stays_on_its_page(qtbot: QtBot, school: School) -> None:
    _amy(school)
    wizard = _wizard(qtbot, school)
    _to_the_kind_of_incident(
        qtbot, wizard, "Cyberbullying", "Unkind messages.", [(AMY, PersonRole.TARGET)]
    )
    page = step_page(wizard)
    assert page.step.id == "bullying_evidence" and page.form.state() is None
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    assert wizard.currentPage() is page
    assert "done, still to do, or not needed" in page.message.text()


def test_a_closed_wizard_reopens_from_its_draft_where_it_stopped(
    qtbot: QtBot, school: School
) -> None:
    _amy(school)
    wizard = _wizard(qtbot, school)
    _report(qtbot, wizard)
    next_page(qtbot, wizard)
    _answer(qtbot, wizard, "No", "Safe in class.")
    assert step_page(wizard).step.id == "incident_type"
    wizard.close()
    settle(qtbot)  # closing keeps the draft, saved on the worker
    assert not wizard.isVisible()
    drafts = incidents.my_drafts(school.signed_in)
    assert [d.label for d in drafts] == [AMY_SAID]
    again = IncidentWizard(school.signed_in, draft_id=drafts[0].id)
    qtbot.addWidget(again)
    again.show()
    assert again.report.reported_by.text() == "Kim Lowe (class teacher)"
    assert again.report.child_words.toPlainText() == "He said I had to."
    page = step_page(again)
    assert page.step.id == "incident_type"  # where it stopped
    # The people are asked once the kind of incident is known: none were chosen yet.
    assert again.people_page.chosen == []
    risk = again.step_pages["immediate_risk"].form
    assert (risk.chosen(), risk.reasons.toPlainText()) == ("No", "Safe in class.")
    _answer(qtbot, again, "Cyberbullying", "Unkind messages.")
    assert again.currentPage() is again.people_page


def test_a_draft_closed_after_some_steps_reopens_with_their_answers(
    qtbot: QtBot, school: School
) -> None:
    """Steps answered to do or not needed come back as they were left: the answer, who will do
    it and by when, why it is not needed; and the people chosen."""
    _amy(school)
    due = school.clock.today() + timedelta(days=10)
    wizard = _wizard(qtbot, school)
    _to_the_kind_of_incident(
        qtbot, wizard, "Nudes", "A semi-nude image was shared.", [(AMY, PersonRole.TARGET)]
    )
    next_page(qtbot, wizard)  # do not view the imagery
    meeting = step_page(wizard)
    assert meeting.step.id == "nudes_review_meeting"
    to_do(qtbot, meeting.form, "Sam Patel", due)
    next_page(qtbot, wizard)
    _answer(qtbot, wizard, "No: the school", "Same age, consensual, no adult.")
    in_school = step_page(wizard)
    assert in_school.step.id == "nudes_in_school"
    not_needed(qtbot, in_school.form, "Both families are handling it with the school nurse.")
    next_page(qtbot, wizard)
    assert step_page(wizard).step.id == "nudes_parents"
    wizard.close()
    settle(qtbot)
    [draft] = incidents.my_drafts(school.signed_in)

    again = IncidentWizard(school.signed_in, draft_id=draft.id)
    qtbot.addWidget(again)
    again.show()
    assert step_page(again).step.id == "nudes_parents"
    assert [(name, role) for _, name, role in again.people_page.chosen] == [
        ("Amy Ash", PersonRole.TARGET)
    ]
    press(qtbot, again, QWizard.WizardButton.BackButton)
    form = step_page(again).form
    assert form.step.id == "nudes_in_school"
    assert form.state() is StepState.NOT_NEEDED and form.not_needed_box.isVisible()
    assert form.why_not.toPlainText() == "Both families are handling it with the school nurse."
    press(qtbot, again, QWizard.WizardButton.BackButton)
    press(qtbot, again, QWizard.WizardButton.BackButton)
    form = step_page(again).form
    assert form.step.id == "nudes_review_meeting"
    assert form.state() is StepState.TO_DO and form.to_do_box.isVisible()
    assert (form.owner.text(), form.due.date().toPython()) == ("Sam Patel", due)
    assert not form.done_box.isVisible() and form.done_by.text() == ""
    # Going on again keeps them: the summary says what is to do and what is not needed.
    for _ in range(3):
        next_page(qtbot, again)
    _answer(qtbot, again, "Yes", "Parents are supportive.")
    click(qtbot, again.button(STOP_HERE))
    summary = again.currentPage()
    assert isinstance(summary, SummaryPage)
    text = summary.text.toPlainText()
    assert f"Hold the initial review meeting: Sam Patel, by {due:%d/%m/%Y}" in text
    assert "Assess risk and support the children in school: Both families" in text


def _to_the_strategy_meeting(qtbot: QtBot, school: School) -> IncidentWizard:
    """A cyberbullying case with the evidence step still to do (Sam Patel, in a week), left on
    the strategy meeting's page."""
    _amy(school)
    wizard = _wizard(qtbot, school)
    _to_the_kind_of_incident(
        qtbot, wizard, "Cyberbullying", "Unkind messages.", [(AMY, PersonRole.TARGET)]
    )
    evidence = step_page(wizard)
    assert evidence.step.id == "bullying_evidence"
    to_do(qtbot, evidence.form, "Sam Patel", school.clock.today() + timedelta(days=7))
    next_page(qtbot, wizard)
    assert step_page(wizard).step.id == "strategy_meeting"
    return wizard


def test_stop_here_on_a_blank_step_leaves_it_as_the_cases_next_step(
    qtbot: QtBot, school: School
) -> None:
    wizard = _to_the_strategy_meeting(qtbot, school)
    recorded: list[incidents.IncidentSummary] = []
    wizard.recorded.connect(recorded.append)
    assert wizard.button(STOP_HERE).isVisible()
    press(qtbot, wizard, STOP_HERE)
    summary = wizard.currentPage()
    assert isinstance(summary, SummaryPage)
    text = summary.text.toPlainText()
    due = school.clock.today() + timedelta(days=7)
    assert f"Keep evidence and support those involved: Sam Patel, by {due:%d/%m/%Y}" in text
    assert "Next: Initial review or professional strategy meeting" in text
    assert "Done" not in text.split("People involved", 1)[1]  # nothing claimed as done
    press(qtbot, wizard, QWizard.WizardButton.FinishButton)
    settle(qtbot)
    assert not wizard.isVisible()
    [case] = recorded
    plan = incidents.case_plan(school.signed_in, case.id)
    assert plan.next_step is not None and plan.next_step.id == "strategy_meeting"
    assert [p.step.id for p in plan.outstanding] == ["bullying_evidence"]
    titles = [e.title for e in incidents.chronology(school.signed_in, case.id)]
    assert "Initial review or professional strategy meeting" not in titles
    assert incidents.my_drafts(school.signed_in) == []


def test_stop_here_on_a_half_answered_step_says_what_is_missing_and_stays(
    qtbot: QtBot, school: School
) -> None:
    wizard = _to_the_strategy_meeting(qtbot, school)
    page = step_page(wizard)
    click(qtbot, next(b for b in page.form.answer.buttons() if b.text() == "&Done"))
    type_into(qtbot, page.form.done_by, "Jo Bloggs")  # and no outcome
    click(qtbot, wizard.button(STOP_HERE))
    assert wizard.currentPage() is page
    assert page.message.text() == "Say what came of it (the outcome)."
    type_into(qtbot, page.form.outcome, "Plan agreed with both families.")
    press(qtbot, wizard, STOP_HERE)
    summary = wizard.currentPage()
    assert isinstance(summary, SummaryPage)
    text = summary.text.toPlainText()
    assert "Plan agreed with both families." in text
    assert "Next: Do devices or websites need reviewing?" in text


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
    qtbot: QtBot, school: School, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ui.printing import on_paper

    _case, page = _open_case(qtbot, school)
    qtbot.mouseClick(page.case_actions.print_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    out = tmp_path / "record.pdf"
    dialogs.set_next_answer(on_paper(monkeypatch, out))
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


def _misuse_walk(qtbot: QtBot, school: School, category: str) -> StepPage:
    """Amy, as alleged perpetrator, used another pupil's login: the misuse grid's page with
    ``category`` chosen."""
    wizard = _wizard(qtbot, school)
    _report(qtbot, wizard, "Used another pupil's login.", by="Office manager", child_words="")
    next_page(qtbot, wizard)
    _answer(qtbot, wizard, "No", "Safe.")
    _answer(qtbot, wizard, "Misuse", "Someone else's account")
    _add_people(qtbot, wizard, [(AMY, PersonRole.ALLEGED_PERPETRATOR)])
    page = step_page(wizard)
    assert page.step.id == "misuse_grid" and page.misuse is not None
    page.misuse.setCurrentIndex(page.misuse.findData(category))
    return page


def test_a_second_c2_misuse_by_the_same_pupil_suggests_the_second_response(
    qtbot: QtBot, school: School
) -> None:
    _amy(school)
    first = _misuse_walk(qtbot, school, "C2")
    suggestion = first.form.suggestion.text()
    assert "First C2 incident" in suggestion
    assert "<b>Teacher or pastoral detention</b>" in suggestion
    assert first.form.outcome.text() == "" and first.form.state() is None  # the DSL decides
    wizard = first.wizard()
    assert isinstance(wizard, IncidentWizard)
    _done(qtbot, wizard, "Teacher or pastoral detention")
    _onwards_to_the_summary(qtbot, wizard, "Nothing to review.")
    press(qtbot, wizard, QWizard.WizardButton.FinishButton)
    settle(qtbot)
    assert incidents.list_incidents(school.signed_in)[0].incident_type == "pupil_misuse"
    second = _misuse_walk(qtbot, school, "C2")
    assert "1 earlier C2 incident" in second.form.suggestion.text()
    assert "Blocked from using the system for 1 week" in second.form.suggestion.text()
    assert second.form.outcome.text() == ""
    other = _misuse_walk(qtbot, school, "C3")
    assert "First C3 incident" in other.form.suggestion.text()


def test_searching_and_filtering_the_cases(qtbot: QtBot, school: School) -> None:
    from tests.services.test_incidents import NUDES_REFERRED, _new

    amy = _amy(school)
    soon = school.clock.today() + timedelta(days=7)
    incidents.record_incident(school.signed_in, _new(amy, NUDES_REFERRED))
    incidents.record_incident(
        school.signed_in,
        _new(
            amy,
            [
                *NUDES_REFERRED[:2],
                WalkStep("incident_type", choice="Cyberbullying", reasons="Unkind messages"),
                WalkStep(
                    "bullying_evidence",
                    state=StepState.DONE,
                    done_by="Jo Bloggs",
                    outcome="Screenshots kept",
                ),
                WalkStep("strategy_meeting", state=StepState.TO_DO, owner="Jo Bloggs", due=soon),
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

"""The flowchart as the case's living plan, as a DSL meets it: the grooming case recorded on the
day with only what has happened (an unknown online adult, the CEOP report still to do, the
police told, the debrief to come), then carried on from the case view on later days and
closed. Driven by clicking and typing; what is stored, shown and printed is checked."""

from __future__ import annotations

import io
from datetime import date, datetime

from pypdf import PdfReader
from PySide6.QtWidgets import QDialogButtonBox, QWizard
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.incidents import IncidentStatus, PersonRole, StepState
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.services import incidents, people
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.incident_wizard import IncidentWizard
from esafety_desktop.ui.incidents.carry_on import CarryOnDialog
from esafety_desktop.ui.incidents.newcomer_dialog import NewcomerDialog
from esafety_desktop.ui.incidents.step_form import StepForm
from esafety_desktop.ui.incidents.wizard_pages import SummaryPage
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
from tests.ui.waiting import settle

GROOMING = "Sexual abuse, exploitation or grooming online"
MONDAY = datetime(2026, 11, 30, 9, 0).astimezone()


def _year_5_pupil(school: School) -> int:
    return people.add_person(
        school.signed_in,
        people.PersonForm(
            PersonKind.PUPIL,
            "Łucja",
            "Wiśniewska",
            date_of_birth=date(2016, 5, 4),
            year_group="5",
            class_name="5W",
        ),
    )


def record_the_grooming_case(qtbot: QtBot, school: School) -> incidents.IncidentSummary:
    school.clock.set(MONDAY)
    _year_5_pupil(school)
    wizard = IncidentWizard(school.signed_in)
    qtbot.addWidget(wizard)
    recorded: list[incidents.IncidentSummary] = []
    wizard.recorded.connect(recorded.append)
    wizard.show()
    type_into(qtbot, wizard.report.reported_by, "Kim Lowe (class teacher)")
    type_into(qtbot, wizard.report.summary, "Łucja says an older boy online asked her for a photo.")
    next_page(qtbot, wizard)
    assert step_page(wizard).step.id == "report"
    next_page(qtbot, wizard)
    choose(qtbot, step_page(wizard).form, "No", "She is safe in class with her teacher.")
    next_page(qtbot, wizard)
    choose(qtbot, step_page(wizard).form, GROOMING, "An unknown adult asked for a photo.")
    next_page(qtbot, wizard)
    # The people come once the kind of incident is known, with the roles that fit it.
    assert wizard.currentPage() is wizard.people_page
    page = wizard.people_page
    type_into(qtbot, page.person.lineEdit(), "Łucja Wiśniewska (Pupil, 5W)")
    page.role.setCurrentIndex(page.role.findData(PersonRole.TARGET.value))
    click(qtbot, page.add_button)
    click(qtbot, page.newcomer_button)
    dialog = page.dialog
    assert isinstance(dialog, NewcomerDialog)
    type_into(qtbot, dialog.identities, "darkstar_77")
    type_into(qtbot, dialog.platform, "Roblox")
    type_into(qtbot, dialog.age, "an adult (says he is 16)")
    dialog.role_box.setCurrentIndex(dialog.role_box.findData("alleged_perpetrator"))
    click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))
    assert page.model.rowCount() == 2
    next_page(qtbot, wizard)
    # CEOP: its online reporting address is a link; nothing is filled in as done.
    ceop = step_page(wizard)
    assert ceop.step.id == "exploitation_ceop"
    assert ceop.form.done_by.text() == "" and ceop.form.state() is None
    links = [label.text() for label in ceop.form.findChildren(type(ceop.form.suggestion))]
    assert any("href='https://www.ceop.police.uk/safety-centre'" in t for t in links)
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    assert "done, still to do, or not needed" in ceop.message.text()  # no answer: stays
    to_do(qtbot, ceop.form, "Jo Bloggs", date(2026, 12, 1))
    next_page(qtbot, wizard)
    police = step_page(wizard)
    assert police.step.id == "exploitation_police"
    assert set(police.form.references) == {"police_crime", "mash"}  # both agencies
    done(
        qtbot,
        police.form,
        "Jo Bloggs",
        "Reported by phone; MASH informed",
        {"police_crime": "CR-2026-5531", "mash": "MASH-8812"},
        when=datetime(2026, 11, 30, 8, 40),
    )
    next_page(qtbot, wizard)
    choose(qtbot, step_page(wizard).form, "Still waiting", "The police will call back.")
    next_page(qtbot, wizard)  # an answer that waits: the summary comes next
    summary = wizard.currentPage()
    assert isinstance(summary, SummaryPage)
    text = summary.text.toPlainText()
    assert "Report to CEOP: Jo Bloggs, by 01/12/2026" in text
    assert "Waiting for the police's response" in text
    assert "Debrief" not in text
    press(qtbot, wizard, QWizard.WizardButton.FinishButton)
    settle(qtbot)
    assert len(recorded) == 1
    return recorded[0]


def _printed(school: School, case: incidents.IncidentSummary) -> str:
    pdf = incidents.incident_record(school.signed_in, case.id)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_grooming_case_records_only_what_has_happened(qtbot: QtBot, school: School) -> None:
    case = record_the_grooming_case(qtbot, school)
    assert case.status is IncidentStatus.AWAITING_POLICE
    names = {i.name: i.roles for i in case.involved}
    assert names == {
        "Łucja Wiśniewska": (PersonRole.TARGET,),
        "Unknown person (darkstar_77)": (PersonRole.ALLEGED_PERPETRATOR,),
    }
    assert "Unknown person (darkstar_77)" not in {
        p.name for p in people.list_people(school.signed_in)
    }
    entries = {e.title: e for e in incidents.chronology(school.signed_in, case.id)}
    assert entries["Report to CEOP"].state is StepState.TO_DO
    assert entries["Report to CEOP"].done_by == ""
    police = entries["Report to the police and children's social care"]
    assert (police.state, police.done_by) == (StepState.DONE, "Jo Bloggs")
    assert police.happened_at == datetime(2026, 11, 30, 8, 40)
    assert dict(police.references) == {"police_crime": "CR-2026-5531", "mash": "MASH-8812"}
    assert "Debrief on the incident" not in entries
    plan = incidents.case_plan(school.signed_in, case.id)
    assert [p.step.id for p in plan.outstanding] == ["exploitation_ceop"]
    assert plan.waiting_for == "police"
    [ceop_action] = incidents.actions(school.signed_in, case.id)
    assert (ceop_action.title, ceop_action.owner, ceop_action.due, ceop_action.step_id) == (
        "Report to CEOP",
        "Jo Bloggs",
        date(2026, 12, 1),
        "exploitation_ceop",
    )
    printed = "\n".join(
        page.extract_text()
        for page in PdfReader(
            io.BytesIO(incidents.incident_record(school.signed_in, case.id))
        ).pages
    )
    assert "To do: Jo Bloggs, by 01/12/2026" in printed
    assert "Where the case stands" in printed and "Waiting for the police" in printed
    assert "Report to CEOP: Jo Bloggs, by 01/12/2026" in printed
    assert "Done by Jo Bloggs on 30/11/2026 at 08:40" in printed
    assert "MASH-8812" in printed and "CR-2026-5531" in printed
    assert "darkstar_77" in printed and "Roblox" in printed
    assert "Debrief" not in printed


def _on(school: School, day: int, hour: int = 10) -> None:
    """The session's clock on a later day: ``day`` of December 2026."""
    school.clock.set(datetime(2026, 12, day, hour, 0).astimezone())


def _carry_on(qtbot: QtBot, page: IncidentsPage, choice: str | None = None) -> CarryOnDialog:
    if choice is not None:
        dialogs.set_next_answer(choice)
    click(qtbot, page.case_actions.carry_on_button)
    settle(qtbot)
    dialog = page.case_actions.dialog
    assert isinstance(dialog, CarryOnDialog) and dialog.isVisible()
    return dialog


def _record(qtbot: QtBot, dialog: CarryOnDialog) -> None:
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle(qtbot)
    assert not dialog.isVisible(), dialog.message.text()


def test_the_rest_is_carried_on_from_the_case_view_on_later_days_and_the_case_closes(
    qtbot: QtBot, school: School
) -> None:
    from esafety_desktop.services.dashboard import dashboard

    case = record_the_grooming_case(qtbot, school)
    _on(school, 2)  # Wednesday: the CEOP report was due yesterday
    page = IncidentsPage(school.signed_in)
    qtbot.addWidget(page)
    page.show()
    page.select(case.id)
    settle(qtbot)
    shown = page.case.toPlainText()
    assert "Where the case stands in the flowchart" in shown
    assert "Waiting for the police's response" in shown
    assert "Report to CEOP: overdue: Jo Bloggs, due 01/12/2026" in shown
    late = next(i for i in dashboard(school.signed_in).items if "overdue" in i.title)
    assert late.title == "1 overdue action" and "Report to CEOP" in late.detail

    # The CEOP report was made yesterday afternoon: recorded today, with when it happened.
    dialog = _carry_on(qtbot, page, "To do: Report to CEOP (Jo Bloggs, due 01/12/2026)")
    assert dialog.form.step.id == "exploitation_ceop"
    done(
        qtbot,
        dialog.form,
        "Jo Bloggs",
        "Report made online",
        {"ceop": "CEOP-99120"},
        when=datetime(2026, 12, 1, 16, 30),
    )
    _record(qtbot, dialog)
    assert not [i for i in dashboard(school.signed_in).items if "overdue" in i.title]

    # The police ring back: nothing illegal confirmed; the case moves down that branch.
    _on(school, 4)
    dialog = _carry_on(qtbot, page)  # the only step left to record
    assert dialog.form.step.id == "police_outcome"
    choose(qtbot, dialog.form, "No illegal activity", "The police closed their enquiry.")
    _record(qtbot, dialog)
    assert incidents.incident_summary(school.signed_in, case.id).status is IncidentStatus.OPEN
    dialog = _carry_on(qtbot, page)
    assert dialog.form.step.id == "internal_procedures"
    done(qtbot, dialog.form, "Jo Bloggs", "Online safety sessions with her class")
    _record(qtbot, dialog)
    summary = incidents.incident_summary(school.signed_in, case.id)
    assert summary is not None and summary.status is IncidentStatus.INTERNAL
    _record(qtbot, _carry_on(qtbot, page))  # "Record the details in the incident log"
    dialog = _carry_on(qtbot, page)
    assert dialog.form.step.id == "debrief"
    to_do(qtbot, dialog.form, "Jo Bloggs", date(2026, 12, 11))
    _record(qtbot, dialog)

    # It cannot close while the debrief is still to do.
    click(qtbot, page.case_actions.status_button)
    status = page.case_actions.dialog
    status.status.setCurrentIndex(status.status.findText("Closed"))
    type_into(qtbot, status.reasons, "Police finished.")
    type_into(qtbot, status.outcome, "No further action.")
    type_into(qtbot, status.lessons, "Talk about gaming chats in PSHE.")
    click(qtbot, status.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle(qtbot)
    assert "cannot close yet" in status.message.text() and "Debrief" in status.message.text()
    dialogs.set_next_answer(True)  # "Close and lose it": what was typed is asked about first
    click(qtbot, status.buttons.button(QDialogButtonBox.StandardButton.Cancel))
    assert not status.isVisible()

    _on(school, 9)
    dialog = _carry_on(qtbot, page, "Next: Review policies and share experience and practice")
    not_needed(qtbot, dialog.form, "Policy already covers gaming chats; reviewed in September.")
    _record(qtbot, dialog)
    dialog = _carry_on(qtbot, page, "To do: Debrief on the incident (Jo Bloggs, due 11/12/2026)")
    done(qtbot, dialog.form, "Jo Bloggs", "Debrief with the class teacher")
    _record(qtbot, dialog)
    dialog = _carry_on(qtbot, page)
    assert dialog.form.step.id == "implement_changes"
    done(qtbot, dialog.form, "Sam Patel", "Reminder at the staff briefing")
    _record(qtbot, dialog)
    assert "The flowchart is complete" in page.case.toPlainText()

    click(qtbot, page.case_actions.status_button)
    status = page.case_actions.dialog
    status.status.setCurrentIndex(status.status.findText("Closed"))
    type_into(qtbot, status.reasons, "Police finished; steps complete.")
    type_into(qtbot, status.outcome, "No further action; Łucja supported.")
    type_into(qtbot, status.lessons, "Talk about gaming chats in PSHE.")
    click(qtbot, status.buttons.button(QDialogButtonBox.StandardButton.Ok))
    settle(qtbot)
    assert not status.isVisible(), status.message.text()
    printed = _printed(school, case)
    assert "Not needed" in printed and "Policy already covers gaming chats" in printed
    assert "Done by Jo Bloggs on 01/12/2026 at 16:30" in printed
    assert "CEOP-99120" in printed


def test_a_reopened_draft_never_invents_when_a_step_was_done(qtbot: QtBot, school: School) -> None:
    """ "When it was done" left alone is kept as "when it is recorded", through a draft too."""
    chart = incidents.shipped_flowchart()
    step = chart.step("exploitation_ceop")

    def form() -> StepForm:
        made = StepForm(chart, step, {}, now=school.clock.local_now, owner="Jo Bloggs")
        qtbot.addWidget(made)
        made.show()
        return made

    school.clock.set(MONDAY)
    first = form()
    saved = first.to_draft()
    assert saved["done_at"] == ""
    school.clock.set(MONDAY.replace(hour=11))  # reopened two hours later
    again = form()
    again.restore(saved)
    done(qtbot, again, "Jo Bloggs", "Report made")
    assert again.walk_step().done_at is None
    chosen = form()
    done(qtbot, chosen, "Jo Bloggs", "Report made", when=datetime(2026, 11, 30, 8, 15))
    reopened = form()
    reopened.restore(chosen.to_draft())
    assert reopened.walk_step().done_at == datetime(2026, 11, 30, 8, 15)

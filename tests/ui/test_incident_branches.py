"""Branches of the flowchart driven through the wizard from the first page to Finish, checking
the stored case and its chronology as a DSL (or an inspector) would read them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.incidents import PersonRole, StepState
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.domain.roles import Role
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services import accounts, incidents, people
from esafety_desktop.services.access import sign_in
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.ui.incident_wizard import IncidentWizard
from esafety_desktop.ui.incidents.wizard_pages import SummaryPage
from tests.conftest import HEAD_PASSWORD, School, add_head
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

DEPUTY_PASSWORD = "Meadow-Harbour-Violet-73"


def _person(school: School, kind: PersonKind, forename: str, surname: str) -> str:
    """Adds them to the register; returns them as the people page's box lists them."""
    people.add_person(
        school.signed_in,
        people.PersonForm(
            kind,
            forename,
            surname,
            date_of_birth=date(2014, 3, 1) if kind is PersonKind.PUPIL else None,
            class_name="6A" if kind is PersonKind.PUPIL else "",
        ),
    )
    label = kind.label()
    extra = ", 6A" if kind is PersonKind.PUPIL else ""
    return f"{forename} {surname} ({label}{extra})"


# How _drive answers each action step: step id -> state (done unless said otherwise).
States = dict[str, StepState]


def _drive(
    qtbot: QtBot,
    school: School,
    summary: str,
    involved: list[tuple[str, PersonRole]],
    answers: list[tuple[str, str]],
    references: dict[str, str] | None = None,
    keep_from: dict[str, str] | None = None,
    states: States | None = None,
) -> tuple[incidents.IncidentSummary, list[str]]:
    """Type the report, then answer each question by the start of its label (with reasons),
    answer each action step as ``states`` says (done by Jo Bloggs with an outcome and any
    reference number, to do by Sam Patel in a week, or not needed with a reason), choose the
    people (by the names typed in the register's box) once the kind of incident is asked,
    and go through the summary to Finish. Returns the recorded case and the steps shown."""
    references, states = references or {}, states or {}
    wizard = IncidentWizard(school.signed_in)
    qtbot.addWidget(wizard)
    recorded: list[incidents.IncidentSummary] = []
    wizard.recorded.connect(recorded.append)
    wizard.show()
    type_into(qtbot, wizard.report.reported_by, "Kim Lowe (class teacher)")
    type_into(qtbot, wizard.report.summary, summary)
    next_page(qtbot, wizard)
    shown, queue = [], list(answers)
    while not isinstance(wizard.currentPage(), SummaryPage):
        if wizard.currentPage() is wizard.people_page:
            people_page = wizard.people_page
            for name, role in involved:
                type_into(qtbot, people_page.person.lineEdit(), name)
                people_page.role.setCurrentIndex(people_page.role.findData(role.value))
                click(qtbot, people_page.add_button)
            next_page(qtbot, wizard)
            continue
        page = step_page(wizard)
        form = page.form
        shown.append(page.step.id)
        if page.step.kind == "question":
            prefix, reasons = queue.pop(0)
            choose(qtbot, form, prefix, reasons)
        elif page.step.kind == "action":
            state = states.get(page.step.id, StepState.DONE)
            if state is StepState.DONE:
                refs = {k: v for k, v in references.items() if k in form.references}
                if page.step.id in references and form.references:
                    refs[page.step.references[0]] = references[page.step.id]
                done(qtbot, form, "Jo Bloggs", f"Done: {page.step.title}", refs)
            elif state is StepState.TO_DO:
                to_do(qtbot, form, "Sam Patel", school.clock.today() + timedelta(days=7))
            else:
                not_needed(qtbot, form, f"Not needed here: {page.step.title}")
        if page.concerns is not None and keep_from and page.step.id in keep_from:
            page.concerns.setCurrentIndex(page.concerns.findText(keep_from[page.step.id]))
        next_page(qtbot, wizard)
    assert queue == [], "some answers were not asked for"
    press(qtbot, wizard, QWizard.WizardButton.FinishButton)
    settle(qtbot)
    assert len(recorded) == 1
    return recorded[0], shown


def _chronology(school: School, case: incidents.IncidentSummary) -> dict[str, object]:
    """Step title -> (choice, reasons, done by, reference) as stored."""
    return {
        e.title: (e.choice, e.reasons, e.done_by, e.reference)
        for e in incidents.chronology(school.signed_in, case.id)
    }


def test_indecent_images_with_a_member_of_staff_in_possession(qtbot: QtBot, school: School) -> None:
    accounts.add_account(
        school.signed_in,
        username="d.deputy",
        display_name="Dee Deputy",
        role=Role.DEPUTY_DSL,
        password=DEPUTY_PASSWORD,
    )
    staff = _person(school, PersonKind.STAFF, "Dee", "Deputy")
    case, shown = _drive(
        qtbot,
        school,
        "The technician found indecent images of children on a staff laptop during repair.",
        [(staff, PersonRole.ALLEGED_PERPETRATOR)],
        [
            ("No", "No child in school is at risk at this moment."),
            ("Indecent", "Images of children found by the technician."),
            ("Yes", "The laptop is assigned to a member of staff."),
            ("Still", "Police have taken the laptop."),
        ],
        references={"iioc_police": "CR-2026-0042", "iioc_iwf": "IWF-77310"},
        keep_from={"iioc_head_lado": "Dee Deputy (Deputy DSL)"},
    )
    assert shown[:8] == [
        "report",
        "immediate_risk",
        "incident_type",
        "iioc_do_not_view",
        "iioc_police",
        "iioc_iwf",
        "iioc_staff",
        "iioc_head_lado",
    ]
    assert (case.incident_type, case.branch, case.status.value) == (
        "iioc",
        "illegal",
        "awaiting_police",
    )
    stored = _chronology(school, case)
    assert stored["Report to the police"][3] == "CR-2026-0042"
    assert stored["Report the web addresses to the IWF"][3] == "IWF-77310"
    assert stored["Is a member of staff or volunteer in possession?"][:2] == (
        "Yes",
        "The laptop is assigned to a member of staff.",
    )
    deputy = sign_in(school.path, "d.deputy", DEPUTY_PASSWORD, DeviceSecretStore())
    try:
        assert case.id not in {c.id for c in incidents.list_incidents(deputy)}
    finally:
        deputy.sign_out()


def test_an_allegation_about_the_headteacher_is_kept_from_the_head_by_default(
    qtbot: QtBot, school: School
) -> None:
    add_head(school)
    pupil = _person(school, PersonKind.PUPIL, "Amy", "Ash")
    case, shown = _drive(
        qtbot,
        school,
        "A parent showed messages sent to their child from the headteacher's school account.",
        [(pupil, PersonRole.TARGET)],
        [
            ("No", "The child is at home with the parent."),
            ("A member of staff", "The messages came from a staff account."),
            ("Yes", "The account is the headteacher's."),
            ("No", "Not illegal on what has been seen so far."),
            ("No", "The messages are already preserved by the parent."),
        ],
        references={"head_to_chair": "LADO-2026-19"},
    )
    assert "head_to_chair" in shown and "staff_to_head" not in shown
    stored = _chronology(school, case)
    assert stored["Tell the chair of governors and the LADO"][3] == "LADO-2026-19"
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    try:
        assert incidents.list_incidents(head) == []
        assert incidents.search_incidents(head, "headteacher") == set()
        assert case.id < 0 and case.reference == "R-0001"  # sealed, its own series
        with pytest.raises(InvalidInput, match="does not exist"):
            incidents.chronology(head, case.id)  # the head's keys do not open it
    finally:
        head.sign_out()
    assert case.id in {c.id for c in incidents.list_incidents(school.signed_in)}


def test_nudes_handled_in_school_with_parents_not_told_for_a_reason(
    qtbot: QtBot, school: School
) -> None:
    one = _person(school, PersonKind.PUPIL, "Amy", "Ash")
    two = _person(school, PersonKind.PUPIL, "Ben", "Birch")
    case, shown = _drive(
        qtbot,
        school,
        "Two Year 6 pupils, same age, exchanged a semi-nude image; both consented.",
        [(one, PersonRole.TARGET), (two, PersonRole.ALLEGED_PERPETRATOR)],
        [
            ("No", "Both pupils are in class and safe."),
            ("Nudes", "A semi-nude image was shared between the two pupils."),
            ("No", "Same age, consensual, no adult, no coercion, not extreme."),
            ("No", "A parent has been violent when told before; social care advised not yet."),
        ],
    )
    assert "nudes_in_school" in shown and "nudes_refer" not in shown
    assert (case.incident_type, case.status.value) == ("nudes", "open")
    stored = _chronology(school, case)
    assert stored["Are the parents or carers being told?"][0] == (
        "No: telling them would put the child at risk"
    )
    assert "violent" in str(stored["Are the parents or carers being told?"][1])


def test_a_filtering_breach_that_reached_illegal_material_goes_to_the_iwf_and_police(
    qtbot: QtBot, school: School
) -> None:
    pupil = _person(school, PersonKind.PUPIL, "Amy", "Ash")
    case, shown = _drive(
        qtbot,
        school,
        "A search on a class laptop reached a site the filter should have blocked.",
        [(pupil, PersonRole.SAW_OR_RECEIVED)],
        [
            ("No", "Amy told her teacher at once and is fine."),
            ("Filtering", "A blocked category was reached."),
            ("Yes", "The technician says the page is on the IWF list."),
            ("No illegal", "Police found nothing to pursue; the IWF removed the page."),
        ],
        references={"filtering_report": "IWF-55120", "police_report": "CR-2026-0107"},
    )
    assert shown[3:6] == ["filtering_record", "filtering_illegal", "filtering_report"]
    assert "internal_procedures" in shown
    assert (case.incident_type, case.status.value) == ("filtering", "internal_procedures")
    stored = _chronology(school, case)
    assert stored["Report to the police and under local safeguarding arrangements"][3] == (
        "CR-2026-0107"
    )


def test_cyberbullying_through_the_wizard(qtbot: QtBot, school: School) -> None:
    target = _person(school, PersonKind.PUPIL, "Amy", "Ash")
    other = _person(school, PersonKind.PUPIL, "Ben", "Birch")
    case, shown = _drive(
        qtbot,
        school,
        "Unkind comments about Amy were posted in a class group chat over a weekend.",
        [(target, PersonRole.TARGET), (other, PersonRole.ALLEGED_PERPETRATOR)],
        [
            ("No", "Amy is upset but safe."),
            ("Cyberbullying", "Repeated unkind messages about one pupil."),
            ("No", "The parent already has screenshots."),
        ],
    )
    assert shown == [
        "report",
        "immediate_risk",
        "incident_type",
        "bullying_evidence",
        "strategy_meeting",
        "device_review_needed",
        "record",
        "debrief",
        "review_policies",
        "implement_changes",
        "monitor",
    ]
    assert (case.incident_type, case.branch) == ("cyberbullying", "unsuitable")
    ben = next(p.id for p in people.list_people(school.signed_in) if p.name == "Ben Birch")
    about_ben = incidents.incidents_about(school.signed_in, ben)
    assert [i.role for i in about_ben] == [PersonRole.ALLEGED_PERPETRATOR]


def test_every_path_of_the_flowchart_can_be_logged_through_the_wizard(
    qtbot: QtBot, school: School
) -> None:
    """From the first page to Finish, once along each of the shipped flowchart's paths, each
    action step answered done, to do or not needed in turn (every action step is tried all
    three ways); what is stored says exactly that."""
    chart = incidents.shipped_flowchart()
    pupil = _person(school, PersonKind.PUPIL, "Amy", "Ash")
    paths = list(chart.paths())
    answers_tried: set[tuple[str, StepState]] = set()
    for number, path in enumerate(paths):
        answers = [(choice, f"Reason {number}.") for _, choice in path if choice is not None]
        actions = [s for s, _ in path if chart.step(s).kind == "action"]
        states = {s: list(StepState)[(number + k) % 3] for k, s in enumerate(actions)}
        case, shown = _drive(
            qtbot,
            school,
            f"Path {number} of the flowchart.",
            [(pupil, PersonRole.OTHER)],
            answers,
            states=states,
        )
        assert shown == [step_id for step_id, _ in path], f"path {number}"
        stored = incidents.chronology(school.signed_in, case.id)
        assert [e.title for e in stored] == [chart.step(s).title for s, _ in path]
        by_step = {e.title: e for e in stored}
        for step_id, state in states.items():
            entry = by_step[chart.step(step_id).title]
            assert entry.state is state, f"path {number}, {step_id}"
            assert bool(entry.done_by) is (state is StepState.DONE)
            answers_tried.add((step_id, state))
        plan = incidents.case_plan(school.signed_in, case.id)
        to_do = [s for s, state in states.items() if state is StepState.TO_DO]
        assert [p.step.id for p in plan.outstanding] == to_do
    every_action = {s.id for s in chart.steps.values() if s.kind == "action"}
    missing = {(s, state) for s in every_action for state in list(StepState)[:3]} - answers_tried
    assert not missing, f"never tried: {sorted(missing)}"
    assert len(incidents.list_incidents(school.signed_in)) == len(paths)

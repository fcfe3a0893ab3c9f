"""Branches of the flowchart driven through the wizard from the first page to Finish, checking
the stored case and its chronology as a DSL (or an inspector) would read them."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.incidents import PersonRole
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.domain.roles import Role
from esafety_desktop.errors import NotAllowed
from esafety_desktop.services import accounts, incidents, people
from esafety_desktop.services.access import sign_in
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.ui.incident_wizard import IncidentWizard
from esafety_desktop.ui.incidents.wizard_pages import StepPage
from tests.conftest import HEAD_PASSWORD, School, add_head
from tests.ui.waiting import settle

DEPUTY_PASSWORD = "Meadow-Harbour-Violet-73"


def _person(school: School, kind: PersonKind, forename: str, surname: str) -> int:
    return people.add_person(
        school.signed_in,
        people.PersonForm(
            kind,
            forename,
            surname,
            date_of_birth=date(2014, 3, 1) if kind is PersonKind.PUPIL else None,
            class_name="6A" if kind is PersonKind.PUPIL else "",
        ),
    )


def _drive(
    qtbot: QtBot,
    school: School,
    summary: str,
    involved: list[tuple[int, PersonRole]],
    answers: list[tuple[str, str]],
    references: dict[str, str] | None = None,
    keep_from: dict[str, str] | None = None,
) -> tuple[incidents.IncidentSummary, list[str]]:
    """Fill the report and people pages, then answer each question by the start of its label
    (with reasons), typing any reference number on the action pages, up to Finish. Returns
    the recorded case and the ids of the steps shown."""
    references = references or {}
    wizard = IncidentWizard(school.signed_in)
    qtbot.addWidget(wizard)
    recorded: list[incidents.IncidentSummary] = []
    wizard.recorded.connect(recorded.append)
    wizard.show()
    qtbot.keyClicks(wizard.report.reported_by, "Kim Lowe (class teacher)")
    wizard.report.summary.setPlainText(summary)
    wizard.next()
    for person_id, role in involved:
        wizard.people_page.add_person(person_id, role)
    wizard.next()
    shown, queue = [], list(answers)
    while True:
        page = wizard.currentPage()
        assert isinstance(page, StepPage)
        shown.append(page.step.id)
        if page.step.kind == "end":
            break
        if page.step.kind == "question":
            prefix, reasons = queue.pop(0)
            button = next(b for b in page.choices.buttons() if b.text().startswith(prefix))
            button.setChecked(True)
            page.reasons.setPlainText(reasons)
        if page.step.id in references:
            page.reference.setText(references[page.step.id])
        if page.concerns is not None and keep_from and page.step.id in keep_from:
            page.concerns.setCurrentIndex(page.concerns.findText(keep_from[page.step.id]))
        before = wizard.currentId()
        wizard.next()
        assert wizard.currentId() != before, f"stuck on {page.step.id}: {page.message.text()}"
    assert queue == [], "some answers were not asked for"
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
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
        try:
            incidents.chronology(head, case.id)
        except NotAllowed:
            pass
        else:
            raise AssertionError("the head could open a case about them")
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
        [(pupil, PersonRole.TARGET)],
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
    about_ben = incidents.incidents_about(school.signed_in, other)
    assert [i.role for i in about_ben] == [PersonRole.ALLEGED_PERPETRATOR]


def test_every_path_of_the_flowchart_can_be_logged_through_the_wizard(
    qtbot: QtBot, school: School
) -> None:
    """From the first page to Finish, once along each of the shipped flowchart's paths."""
    chart = incidents.shipped_flowchart()
    pupil = _person(school, PersonKind.PUPIL, "Amy", "Ash")
    paths = list(chart.paths())
    for number, path in enumerate(paths):
        answers = [(choice, f"Reason {number}.") for _, choice in path if choice is not None]
        case, shown = _drive(
            qtbot, school, f"Path {number} of the flowchart.", [(pupil, PersonRole.TARGET)], answers
        )
        assert shown == [step_id for step_id, _ in path], f"path {number}"
        stored = incidents.chronology(school.signed_in, case.id)
        assert [e.title for e in stored] == [chart.step(s).title for s, _ in path]
    assert len(incidents.list_incidents(school.signed_in)) == len(paths)

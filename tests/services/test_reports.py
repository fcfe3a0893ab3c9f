"""Reports built from a known set of cases and read back with pypdf."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from esafety_desktop.domain.incidents import (
    IncidentStatus,
    Location,
    PersonRole,
    RiskCategory,
    walk_from_answers,
)
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.domain.reporting import previous, shown_count, terms
from esafety_desktop.domain.school_year import Period, school_year_containing
from esafety_desktop.services import incidents, people, reports
from esafety_desktop.services.audit_log import audit_entries
from tests.conftest import School

YEAR = school_year_containing(date(2025, 10, 1))  # 2025/26
SAFE = ("No", "Safe in class.")
CYBER = [SAFE, ("Cyberbullying", "Unkind messages."), ("No", "Parent has them.")]
FILTER = [SAFE, ("Filtering", "Blocked site reached."), ("No", "Not illegal."), ("No", "Logs.")]
NUDES = [SAFE, ("Nudes", "Image shared."), ("No", "Same age."), ("Yes", "Parents fine.")]


def _pupil(school: School, forename: str, upn: str) -> int:
    return people.add_person(
        school.signed_in,
        people.PersonForm(
            PersonKind.PUPIL,
            forename,
            "Quillfeather",
            date_of_birth=date(2015, 2, 3),
            upn=upn,
            year_group="5",
            class_name="5Q",
        ),
    )


def _case(
    school: School,
    pupil: int,
    answers: list,  # type: ignore[type-arg]
    when: datetime,
    words: str,
    role: PersonRole = PersonRole.TARGET,
) -> int:
    chart = incidents.shipped_flowchart()
    return incidents.record_incident(
        school.signed_in,
        incidents.NewIncident(
            reported_by="Class teacher",
            reported_at=when,
            summary=f"{words} happened to the pupil.",
            child_words="Secret words nobody should print",
            location=Location.ONLINE,
            people=[(pupil, role)],
            walk=walk_from_answers(chart, answers, done_by="Jo Bloggs"),
            category=RiskCategory.CONDUCT,
        ),
    ).id


@pytest.fixture
def cases(school: School) -> School:
    zed = _pupil(school, "Zebedee", "A123456789012")
    for day in (3, 10, 17, 24, 28):
        _case(school, zed, CYBER, datetime(2025, 11, day, 10), "Cyberbullying")
    nudes = _case(school, zed, NUDES, datetime(2026, 2, 2, 9), "Nudes")
    for month in (3, 5):
        # A pupil who reached a blocked site saw it: "target" is no role for a filtering breach.
        _case(
            school,
            zed,
            FILTER,
            datetime(2026, month, 4, 9),
            "Filtering",
            PersonRole.SAW_OR_RECEIVED,
        )
    for day in (1, 8, 15):  # the year before
        _case(school, zed, CYBER, datetime(2024, 10, day, 9), "Earlier")
    incidents.change_status(
        school.signed_in,
        nudes,
        IncidentStatus.CLOSED,
        "Done.",
        incidents.Closing("Handled in school.", True, "Teach PSHE on sharing images.", True),
    )
    return school


def _text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_governors_report_counts_compares_and_hides_small_numbers(cases: School) -> None:
    text = _text(reports.governors_report(cases.signed_in, YEAR))
    assert "Compared with school year 2024/25" in text
    assert "Incidents recorded 8 3 +5" in text
    assert "Cyberbullying 5 3" in text
    assert "Filtering breach fewer than 3 0" in text
    assert "Nudes or semi-nudes fewer than 3 0" in text
    assert "Year 4 8" in text  # in Year 5 now, in Year 4 at the time
    assert "Conduct 8" in text
    assert "Teaching pupils (PSHE, RSE, computing) fewer than 3" in text
    assert "report.governors_made" in {e.action for e in audit_entries(cases.signed_in)}


def test_the_governors_report_names_nobody_and_quotes_nothing(cases: School) -> None:
    text = _text(reports.governors_report(cases.signed_in, YEAR)).lower()
    for private in (
        "zebedee",
        "quillfeather",
        "a123456789012",
        "5q",
        "secret words",
        "happened to the pupil",
        "teach pshe on sharing",
        "os-2025",
    ):
        assert private not in text, private


def test_periods_terms_and_small_counts() -> None:
    autumn, spring, summer = terms(YEAR)
    assert (autumn.start, autumn.end) == (date(2025, 9, 1), date(2025, 12, 31))
    assert (summer.start, summer.end) == (date(2026, 4, 1), date(2026, 8, 31))
    assert previous(spring).label == "Spring term 2025"
    custom = Period(date(2026, 1, 10), date(2026, 1, 19), "custom")
    before = previous(custom)
    assert (before.start, before.end) == (date(2025, 12, 31), date(2026, 1, 9))
    assert [shown_count(n) for n in (0, 1, 2, 3)] == ["0", "fewer than 3", "fewer than 3", "3"]
    assert shown_count(4, threshold=5) == "fewer than 5"


def test_the_school_sets_the_threshold_and_the_policy_review_date(cases: School) -> None:
    reports.set_report_threshold(cases.signed_in, 6)
    reports.set_policy_review_date(cases.signed_in, date(2026, 7, 1))
    text = _text(reports.governors_report(cases.signed_in, YEAR))
    assert "Cyberbullying fewer than 6 fewer than 6" in text
    assert "Online safety policy: next review 01/07/2026" in text
    from esafety_desktop.errors import InvalidInput

    with pytest.raises(InvalidInput, match="from 2 to 20"):
        reports.set_report_threshold(cases.signed_in, 1)


def test_the_incident_log_for_the_local_authority_names_or_pseudonymises(cases: School) -> None:
    named = _text(reports.incident_log(cases.signed_in, YEAR, names=True))
    assert "Cases reported from 01/09/2025 to 31/08/2026: 8." in named
    assert "Zebedee Quillfeather (target)" in named
    assert "Outcome" in named and "Handled in school." in named
    hidden = _text(reports.incident_log(cases.signed_in, YEAR, names=False))
    assert "Zebedee" not in hidden and "Quillfeather" not in hidden
    # The same child keeps the same pseudonym, whatever their part in each case.
    assert hidden.count("Pupil 1 (target)") == 6
    assert hidden.count("Pupil 1 (saw or received it)") == 2
    assert "Pupil 2" not in hidden
    only = reports.incident_log_lines(cases.signed_in, YEAR, names=False, incident_type="filtering")
    assert [line.incident_type for line in only] == ["Filtering breach", "Filtering breach"]
    entry = next(
        e for e in audit_entries(cases.signed_in) if e.action == "report.incident_log_made"
    )
    assert entry.details["cases"] == 8


def _steps_to_do(school: School) -> None:
    """Three open cases with steps of the flowchart still to do, recorded on 10/11/2025: a
    grooming case (an unknown online person; the CEOP report to do, due 12/11, the police
    done, waiting for the police), a cyberbullying case (the strategy meeting to do, due 25/11)
    and a case about the headteacher, hidden from the headteacher's account (telling the chair
    and the LADO to do, due 15/11; waiting for the LADO's advice). One action set by hand."""
    from esafety_desktop.domain.incidents import StepState, WalkStep
    from esafety_desktop.domain.people import CasePersonKind, Newcomer

    chart = incidents.shipped_flowchart()
    zed = _pupil(school, "Zebedee", "A123456789012")

    def record(
        answers: list[tuple[str, str]],
        details: dict[str, WalkStep],
        newcomers: list[tuple[Newcomer, PersonRole]] | None = None,
    ) -> int:
        return incidents.record_incident(
            school.signed_in,
            incidents.NewIncident(
                reported_by="Class teacher",
                reported_at=datetime(2025, 11, 10, 10),
                summary="Something happened to the pupil.",
                child_words="",
                location=Location.ONLINE,
                people=[(zed, PersonRole.TARGET)],
                newcomers=newcomers or [],
                walk=walk_from_answers(chart, answers, details, stop_at="debrief"),
            ),
        ).id

    def to_do(step_id: str, due: date) -> WalkStep:
        return WalkStep(step_id, state=StepState.TO_DO, owner="Jo Bloggs", due=due)

    school.clock.set(datetime(2025, 11, 10, 10, 20).astimezone())
    record(
        [SAFE, ("Sexual abuse", "Asked for a photo."), ("Still waiting", "No answer yet.")],
        {
            "exploitation_ceop": to_do("exploitation_ceop", date(2025, 11, 12)),
            "exploitation_police": WalkStep(
                "exploitation_police",
                state=StepState.DONE,
                done_by="Jo Bloggs",
                outcome="Rang 101.",
                references=(("police_crime", "CR-25-1"),),
            ),
        },
        [
            (
                Newcomer(CasePersonKind.ONLINE, online_identities="jayden.x.09"),
                PersonRole.ALLEGED_PERPETRATOR,
            )
        ],
    )
    bullying = record(
        CYBER,
        {
            "bullying_evidence": WalkStep(
                "bullying_evidence",
                state=StepState.DONE,
                done_by="Jo Bloggs",
                outcome="Screenshots kept by the parent.",
            ),
            "strategy_meeting": to_do("strategy_meeting", date(2025, 11, 25)),
        },
    )
    record(
        [
            SAFE,
            ("A member of staff", "Messages."),
            ("Yes: the headteacher", "Head's account."),
            ("Not sure yet", "The LADO is advising."),
        ],
        {"head_to_chair": to_do("head_to_chair", date(2025, 11, 15))},
    )
    incidents.add_action(
        school.signed_in, bullying, "Ring the parent", "Jo Bloggs", date(2025, 11, 18)
    )
    school.clock.set(datetime(2025, 11, 20, 12).astimezone())  # "today" for the reports


def test_the_reports_count_the_steps_still_to_do_and_keep_hidden_cases_hidden(
    school: School,
) -> None:
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.storage.device_secret import DeviceSecretStore
    from tests.conftest import HEAD_PASSWORD, add_head

    add_head(school)
    _steps_to_do(school)
    reports.set_report_threshold(school.signed_in, 2)
    figures = reports.governors_figures(school.signed_in, YEAR)
    assert (figures.steps_to_do, figures.steps_overdue) == (3, 2)
    assert (figures.open_actions, figures.overdue_actions) == (1, 1)  # set by hand
    text = _text(reports.governors_report(school.signed_in, YEAR))
    assert "Flowchart steps still to do (all open cases) 3 of which overdue 2" in text
    assert "Other actions still open (all cases) fewer than 2 of which overdue fewer than 2" in text

    log = _text(reports.incident_log(school.signed_in, YEAR, names=False))
    assert "Steps of the flowchart still to do in these cases: 3, of which 2 overdue" in log
    assert "To do: Report to CEOP, due 12/11/2025 (overdue)" in log
    assert "To do: Tell the chair of governors and the LADO, due 15/11/2025 (overdue)" in log
    assert "professional strategy meeting, due 25/11/2025 Pupil 1" in log  # not overdue
    # Someone not on the register is pseudonymised like everyone else.
    assert "Online person 1 (alleged perpetrator)" in log and "jayden" not in log
    from esafety_desktop.domain.people import CasePersonKind
    from esafety_desktop.services.reports import _KIND_WORDS

    assert {*PersonKind, *CasePersonKind} <= set(_KIND_WORDS)  # every kind has its pseudonym
    named = _text(reports.incident_log(school.signed_in, YEAR, names=True))
    assert "Unknown person (jayden.x.09) (alleged perpetrator)" in named
    lines = reports.incident_log_lines(school.signed_in, YEAR, names=True)
    assert [(len(line.steps_to_do), line.steps_overdue) for line in lines] == [
        (1, 1),
        (1, 0),
        (1, 1),
    ]

    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore(), school.clock)
    try:
        hidden = reports.governors_figures(head, YEAR)
        assert (hidden.steps_to_do, hidden.steps_overdue) == (2, 1)
        text = _text(reports.governors_report(head, YEAR))
        assert (
            "Flowchart steps still to do (all open cases) 2 of which overdue fewer than 2" in text
        )
        log = _text(reports.incident_log(head, YEAR, names=True))
        assert "Steps of the flowchart still to do in these cases: 2, of which 1 overdue" in log
        assert "chair of governors" not in log
    finally:
        head.sign_out()


def test_a_log_with_no_steps_to_do_says_so(cases: School) -> None:
    log = _text(reports.incident_log(cases.signed_in, YEAR, names=False))
    assert "Steps of the flowchart still to do in these cases: 0, of which 0 overdue" in log
    assert "To do:" not in log
    text = _text(reports.governors_report(cases.signed_in, YEAR))
    assert "Flowchart steps still to do (all open cases) 0 of which overdue 0" in text


def test_a_small_school_s_governors_report_charts_by_term_and_says_what_changed(
    school: School,
) -> None:
    """Sixteen cases in a year, none the year before, no month with three: the months would
    chart nothing, so the report charts the terms; the change from none is shown."""
    from datetime import UTC

    school.clock.set(datetime(2026, 9, 10, 9, tzinfo=UTC))
    pupil = _pupil(school, "Łucja", "A123456789012")
    autumn = [(2025, 9, 8), (2025, 9, 22), (2025, 10, 6), (2025, 10, 20), (2025, 11, 3)]
    autumn += [(2025, 12, 1)]
    spring = [(2026, 1, 12), (2026, 1, 26), (2026, 2, 9), (2026, 3, 2), (2026, 3, 16)]
    summer = [(2026, 4, 20), (2026, 5, 4), (2026, 5, 18), (2026, 6, 8), (2026, 7, 6)]
    for y, m, d in autumn + spring + summer:
        _case(school, pupil, CYBER, datetime(y, m, d, 10), "Cyberbullying")
    figures = reports.governors_figures(school.signed_in, YEAR)
    assert [t.count for t in figures.by_term] == [6, 5, 5]
    assert max(m.count for m in figures.by_month) == 2
    text = _text(reports.governors_report(school.signed_in, YEAR))
    assert "Incidents recorded 16 0 +16 (none before)" in text
    assert "Incidents by term" in text and "Incidents by month" not in text
    assert "Autumn term 2025" in text and "Summer term 2026" in text
    assert "Period: 2025/26 (01/09/2025 to 31/08/2026). Compared with school year 2024/25" in text
    assert text.count("01/09/2025 to 31/08/2026") == 1
    reports.set_report_threshold(school.signed_in, 7)
    text = _text(reports.governors_report(school.signed_in, YEAR))
    assert "The numbers are too small to chart without identifying pupils." in text
    assert "Autumn term 2025" not in text


def test_a_year_so_far_charts_the_months_and_terms_up_to_today(school: School) -> None:
    from datetime import UTC

    school.clock.set(datetime(2025, 12, 15, 9, tzinfo=UTC))
    pupil = _pupil(school, "Aylin", "A123456789012")
    for month in (9, 10, 11):
        for day in (2, 9, 16):
            _case(school, pupil, CYBER, datetime(2025, month, day, 10), "Cyberbullying")
    figures = reports.governors_figures(school.signed_in, YEAR)
    assert [(m.label, m.count) for m in figures.by_month] == [
        ("Sep 2025", 3),
        ("Oct 2025", 3),
        ("Nov 2025", 3),
        ("Dec 2025", 0),
    ]
    assert [(t.label, t.count) for t in figures.by_term] == [("Autumn term 2025", 9)]
    text = _text(reports.governors_report(school.signed_in, YEAR))
    assert "Incidents by month" in text and "Jan 2026" not in text

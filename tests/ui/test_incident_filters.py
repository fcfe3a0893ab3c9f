"""The Incidents page's parts that need no widgets: which cases a filter lets through, and the
case as HTML."""

from __future__ import annotations

from datetime import date, datetime

from esafety_desktop.domain.incidents import IncidentStatus, PersonRole, RiskCategory
from esafety_desktop.domain.school_year import Period
from esafety_desktop.services.incidents import IncidentSummary, Involved
from esafety_desktop.ui.incidents.case_view import case_html
from esafety_desktop.ui.incidents.filter_bar import NOBODY, CaseFilter

LUCJA = Involved(7, "Łucja Wiśniewska", "5", (PersonRole.TARGET,))


def _case(**fields: object) -> IncidentSummary:
    values: dict[str, object] = {
        "id": 1,
        "reference": "OS-2026-0001",
        "status": IncidentStatus.OPEN,
        "incident_type": "cyberbullying",
        "branch": None,
        "reported_at": datetime(2026, 11, 20, 9, 15),
        "summary": "Unkind messages in a group chat.",
        "category": RiskCategory.CONDUCT,
        "involved": (LUCJA,),
        "reported_by": "Kim Lowe (class teacher)",
    }
    return IncidentSummary(**{**values, **fields})  # type: ignore[arg-type]


def test_nothing_chosen_lets_every_case_through() -> None:
    assert CaseFilter().matches(_case())
    assert CaseFilter().matches(_case(category=None, involved=()))


def test_by_status() -> None:
    assert CaseFilter(status="open").matches(_case())
    assert not CaseFilter(status="closed").matches(_case())
    assert CaseFilter(status="closed").matches(_case(status=IncidentStatus.CLOSED))


def test_by_the_year_group_someone_was_in_at_the_time() -> None:
    assert CaseFilter(year_group="5").matches(_case())
    assert not CaseFilter(year_group="6").matches(_case())  # she may be in Year 6 now
    assert not CaseFilter(year_group="5").matches(_case(involved=()))


def test_by_person_involved() -> None:
    assert CaseFilter(person_id=7).matches(_case())
    assert not CaseFilter(person_id=8).matches(_case())
    assert not CaseFilter(person_id=NOBODY).matches(_case())  # a name typed that is in no case


def test_by_when_reported_both_ends_included() -> None:
    november = Period(date(2026, 11, 1), date(2026, 11, 30), "between")
    assert CaseFilter(period=november).matches(_case())
    assert CaseFilter(period=november).matches(_case(reported_at=datetime(2026, 11, 30, 23, 59)))
    assert not CaseFilter(period=november).matches(_case(reported_at=datetime(2026, 12, 1, 0, 0)))


def test_by_kind_of_risk_and_the_cases_a_search_found() -> None:
    assert CaseFilter(category="conduct").matches(_case())
    assert not CaseFilter(category="conduct").matches(_case(category=None))
    assert CaseFilter(words="group chat", found=frozenset({1})).matches(_case())
    assert not CaseFilter(words="group chat", found=frozenset()).matches(_case())
    assert CaseFilter(words="g").too_short_to_search
    assert not CaseFilter(words="group", found=frozenset()).too_short_to_search


def test_the_case_shows_names_as_written_and_escapes_what_was_typed() -> None:
    html = case_html(
        _case(summary="She wrote <b>everyone hates you</b> & left."),
        entries=[],
        actions=[],
        evidence=[],
        today=date(2026, 11, 21),
    )
    assert "<li>Łucja Wiśniewska (Year 5 at the time): Target</li>" in html
    assert "She wrote &lt;b&gt;everyone hates you&lt;/b&gt; &amp; left." in html
    assert "<b>everyone" not in html


def test_a_restricted_case_says_so_and_an_ordinary_one_does_not() -> None:
    def html(**fields: object) -> str:
        return case_html(_case(**fields), entries=[], actions=[], evidence=[], today=date.today())

    assert "Restricted case:" in html(id=-1, reference="R-0001")
    assert "Restricted case:" not in html()

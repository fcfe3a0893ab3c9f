"""Reports for the headteacher, the governors and the local authority.

The governors' report is made from counts only (see ``domain.reporting``): this module never
passes it a name, a UPN or any text typed about a case, so it cannot leak one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select

from esafety_desktop.domain.incidents import INCIDENT_TYPE_NAMES, IncidentStatus, RiskCategory
from esafety_desktop.domain.mis_import import YEAR_GROUP_LABELS
from esafety_desktop.domain.reporting import (
    DEFAULT_THRESHOLD,
    THEMES,
    Counted,
    GovernorsFigures,
    LogLine,
    OutstandingStep,
    months,
    previous,
    term_index,
    terms_touching,
    themes_of,
)
from esafety_desktop.domain.roles import Permission
from esafety_desktop.domain.school_year import YEAR_ORDER, Period
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn, read_setting, write_setting
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.storage.models import Incident, IncidentAction, IncidentEntry, IncidentPerson

THRESHOLD_SETTING = "report_threshold"
POLICY_REVIEW_SETTING = "policy_review_date"


# -- settings ------------------------------------------------------------------------------


@open_to_every_role("a setting every report reads")
def report_threshold(signed_in: SignedIn) -> int:
    with signed_in.database.reading() as session:
        saved = read_setting(session, THRESHOLD_SETTING)
    return int(saved) if saved else DEFAULT_THRESHOLD


def set_report_threshold(signed_in: SignedIn, threshold: int) -> None:
    signed_in.require(Permission.CHANGE_SETTINGS)
    if not 2 <= threshold <= 20:
        raise InvalidInput("Hide counts below a number from 2 to 20.")
    if threshold == report_threshold(signed_in):
        return
    with signed_in.database.transaction() as session:
        write_setting(session, THRESHOLD_SETTING, threshold)
        signed_in.record(session, "settings.report_threshold", details={"below": threshold})


@open_to_every_role("a date the Dashboard shows every role")
def policy_review_date(signed_in: SignedIn) -> date | None:
    with signed_in.database.reading() as session:
        saved = read_setting(session, POLICY_REVIEW_SETTING)
    return date.fromisoformat(saved) if saved else None


def set_policy_review_date(signed_in: SignedIn, when: date | None) -> None:
    signed_in.require(Permission.CHANGE_SETTINGS)
    if when == policy_review_date(signed_in):
        return
    with signed_in.database.transaction() as session:
        write_setting(session, POLICY_REVIEW_SETTING, when.isoformat() if when else None)
        signed_in.record(
            session,
            "settings.policy_review_date",
            details={"date": when.isoformat() if when else None},
        )


# -- the governors' report -----------------------------------------------------------------


def governors_figures(
    signed_in: SignedIn, period: Period, compare_with: Period | None = None
) -> GovernorsFigures:
    """Every number the governors' report prints, counted in the database."""
    signed_in.require(Permission.MAKE_REPORTS)
    from esafety_desktop.services.agreements import coverage_counts, register, school_year_start
    from esafety_desktop.services.incidents import visible_to
    from esafety_desktop.services.restricted_cases import every_store

    year_start = school_year_start(signed_in)
    before = compare_with or previous(period, year_start)
    start, end = _bounds(period)
    b_start, b_end = _bounds(before)
    visible = visible_to(signed_in)
    in_period = (Incident.reported_at >= start, Incident.reported_at < end, visible)
    rows: list[Any] = []
    earlier: Counter[str] = Counter()
    per_year: Counter[str] = Counter()
    actions: list[tuple[date, bool]] = []
    closings: list[str] = []
    # The school's cases, then the restricted cases this account holds (each counted once: a
    # case lives in one store only).
    for session in every_store(signed_in):
        rows += session.execute(
            select(
                Incident.id,
                Incident.incident_type,
                Incident.category,
                Incident.status,
                Incident.branch,
                Incident.reported_at,
            ).where(*in_period)
        ).all()
        earlier.update(
            session.scalars(
                select(Incident.incident_type).where(
                    Incident.reported_at >= b_start, Incident.reported_at < b_end, visible
                )
            )
        )
        for year, count in session.execute(
            select(IncidentPerson.year_group, func.count(func.distinct(Incident.id)))
            .join(Incident, Incident.id == IncidentPerson.incident_id)
            .where(*in_period, IncidentPerson.year_group.is_not(None))
            .group_by(IncidentPerson.year_group)
        ):
            per_year[str(year)] += int(count)
        # Actions still open on any case the account sees: those set by hand, and the steps of
        # the flowchart still to do (a step to do is one of its case's actions).
        actions += [
            (due, bool(step))
            for due, step in session.execute(
                select(IncidentAction.due, IncidentAction.step_id.is_not(None))
                .join(Incident, Incident.id == IncidentAction.incident_id)
                .where(IncidentAction.done_at.is_(None), visible)
            )
        ]
        closings += session.scalars(
            select(IncidentEntry.text)
            .join(Incident, Incident.id == IncidentEntry.incident_id)
            .where(
                *in_period,
                IncidentEntry.kind == "status",
                IncidentEntry.text.like("%Lessons learned:%"),
            )
        ).all()
    kinds = Counter(r.incident_type for r in rows)
    by_type = [
        Counted(name, kinds.get(key, 0), earlier.get(key, 0))
        for key, name in INCIDENT_TYPE_NAMES.items()
        if kinds.get(key) or earlier.get(key)
    ]
    categories = Counter(r.category for r in rows)
    by_category = [
        Counted(c.value.capitalize(), categories.get(c.value, 0)) for c in RiskCategory
    ] + [Counted("Not recorded", categories.get(None, 0))]
    # The charts stop at today: a year "so far" has no months or terms still to come.
    today = signed_in.clock.today()
    per_month = Counter((r.reported_at.year, r.reported_at.month) for r in rows)
    by_month = [
        Counted(date(y, m, 1).strftime("%b %Y"), per_month.get((y, m), 0))
        for y, m in months(period)
        if date(y, m, 1) <= today
    ]
    touched = [t for t in terms_touching(period, year_start) if t.start <= today]
    per_term = Counter(term_index([r.reported_at.date() for r in rows], touched))
    by_term = [Counted(t.label, per_term.get(n, 0)) for n, t in enumerate(touched)]
    by_year_group = [
        Counted(YEAR_GROUP_LABELS.get(year, year), per_year[year])
        for year in sorted(per_year, key=lambda y: YEAR_ORDER.index(y) if y in YEAR_ORDER else 99)
    ]
    statuses = Counter(r.status for r in rows)
    by_status = [Counted(s.label, statuses.get(s.value, 0)) for s in IncidentStatus]
    branches = Counter(r.branch for r in rows)
    themes = Counter(theme for text in closings for theme in themes_of(_lessons(text)))
    agreements = [
        (c.group, c.signed, c.total)
        for c in coverage_counts(register(signed_in))
        if not c.group.startswith(" ")  # audiences only: classes are too small to print
    ]
    return GovernorsFigures(
        period=period,
        compared_with=before,
        threshold=report_threshold(signed_in),
        total=len(rows),
        total_before=sum(earlier.values()),
        by_type=by_type,
        by_category=by_category,
        by_month=by_month,
        by_term=by_term,
        by_year_group=by_year_group,
        by_status=by_status,
        illegal=branches.get("illegal", 0),
        unsuitable=branches.get("unsuitable", 0),
        open_actions=sum(1 for _, step in actions if not step),
        overdue_actions=sum(1 for due, step in actions if not step and due < today),
        agreements=agreements,
        policy_review=policy_review_date(signed_in),
        themes=[Counted(theme, themes.get(theme, 0)) for theme in THEMES if themes.get(theme)],
        policy_reviews_needed=sum("Policy review needed: yes" in text for text in closings),
        steps_to_do=sum(1 for _, step in actions if step),
        steps_overdue=sum(1 for due, step in actions if step and due < today),
    )


def governors_report(
    signed_in: SignedIn, period: Period, compare_with: Period | None = None
) -> bytes:
    """The governors' report as a PDF: counts, comparisons and charts; nothing about a person."""
    signed_in.require(Permission.MAKE_REPORTS)
    from esafety_desktop.reports.governors import governors_pdf
    from esafety_desktop.services.exports import printing

    figures = governors_figures(signed_in, period, compare_with)
    missing = restricted_left_out(signed_in)
    pdf = governors_pdf(figures, printing(signed_in), left_out=missing)
    with signed_in.database.transaction() as session:
        signed_in.record(
            session,
            "report.governors_made",
            details={
                "from": period.start.isoformat(),
                "to": period.end.isoformat(),
                **({"restricted_cases_left_out": missing} if missing else {}),
            },
        )
    return pdf


@open_to_every_role("a count, no record")
def restricted_left_out(signed_in: SignedIn) -> int:
    """How many restricted cases this account cannot open: a printout leaves them out and
    says how many."""
    from esafety_desktop.services.restricted_cases import left_out

    return left_out(signed_in)


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's first and last instants as stored (reported times are local)."""
    return (
        datetime.combine(period.start, time.min),
        datetime.combine(period.end, time.max),
    )


def _lessons(closing_text: str) -> str:
    for line in closing_text.splitlines():
        if line.startswith("Lessons learned:"):
            return line.removeprefix("Lessons learned:")
    return ""


# -- the incident log for the local authority or trust -------------------------------------


def incident_log_lines(
    signed_in: SignedIn,
    period: Period,
    *,
    names: bool,
    incident_type: str | None = None,
    status: IncidentStatus | None = None,
) -> list[LogLine]:
    """The cases reported in the period, oldest first, with the people named or given
    pseudonyms ("Pupil 1", "Staff 2"…: the same person keeps the same one in the log)."""
    signed_in.require(Permission.MAKE_REPORTS)
    return [line for _id, line in _incident_log(signed_in, period, names, incident_type, status)]


def _incident_log(
    signed_in: SignedIn,
    period: Period,
    names: bool,
    incident_type: str | None,
    status: IncidentStatus | None,
) -> list[tuple[int, LogLine]]:
    """:func:`incident_log_lines`, each line with its case's id."""
    signed_in.require(Permission.MAKE_REPORTS)
    from esafety_desktop.domain.incidents import PersonRole, incident_type_name
    from esafety_desktop.domain.people import display_name
    from esafety_desktop.services.incidents import visible_to
    from esafety_desktop.services.restricted_cases import every_store
    from esafety_desktop.storage.models import Person

    start, end = _bounds(period)
    today = signed_in.clock.today()
    found: list[_LoggedCase] = []
    involved: list[tuple[int, str, int, str, str]] = []  # case, role, person, kind, name
    # The school's cases, then the restricted cases this account holds; people in the register
    # have the same id in both, so each keeps one pseudonym.
    for session in every_store(signed_in):
        query = (
            select(Incident)
            .where(Incident.reported_at >= start, Incident.reported_at < end, visible_to(signed_in))
            .order_by(Incident.reported_at, Incident.id)
        )
        if incident_type:
            query = query.where(Incident.incident_type == incident_type)
        if status:
            query = query.where(Incident.status == status.value)
        cases = list(session.scalars(query))
        ids = [c.id for c in cases]
        involved += [
            (
                incident_id,
                role,
                person.id,
                person.kind,
                display_name(person.forename, person.surname, person.preferred_name),
            )
            for incident_id, role, person in session.execute(
                select(IncidentPerson.incident_id, IncidentPerson.role, Person)
                .join(Person, Person.id == IncidentPerson.person_id)
                .where(IncidentPerson.incident_id.in_(ids))
                .order_by(IncidentPerson.id)
            )
        ]
        closings = dict(
            session.execute(
                select(IncidentEntry.incident_id, IncidentEntry.text).where(
                    IncidentEntry.incident_id.in_(ids),
                    IncidentEntry.kind == "status",
                    IncidentEntry.text.like("Outcome:%"),
                )
            ).all()
        )
        steps: dict[int, list[OutstandingStep]] = {}
        for incident_id, title, due in session.execute(
            select(IncidentAction.incident_id, IncidentAction.title, IncidentAction.due)
            .where(
                IncidentAction.incident_id.in_(ids),
                IncidentAction.step_id.is_not(None),
                IncidentAction.done_at.is_(None),
            )
            .order_by(IncidentAction.due, IncidentAction.id)
        ):
            steps.setdefault(incident_id, []).append(OutstandingStep(title, due, due < today))
        found += [
            _LoggedCase(
                id=c.id,
                reference=c.reference,
                reported_at=c.reported_at,
                closed_at=c.closed_at,
                incident_type=c.incident_type,
                status=c.status,
                outcome=_outcome(closings.get(c.id, "")),
                steps_to_do=tuple(steps.get(c.id, [])),
            )
            for c in cases
        ]
    # Oldest first; a restricted case (a negative id) after the school's on the same moment.
    found.sort(key=lambda c: (c.reported_at, c.id < 0, abs(c.id)))
    pseudonyms: dict[int, str] = {}
    per_kind: Counter[str] = Counter()
    people: dict[int, list[str]] = {}
    for incident_id, role, person_id, kind, name in involved:
        if names:
            who = name
        else:
            if person_id not in pseudonyms:
                per_kind[kind] += 1
                word = _KIND_WORDS.get(kind, "Person")
                pseudonyms[person_id] = f"{word} {per_kind[kind]}"
            who = pseudonyms[person_id]
        people.setdefault(incident_id, []).append(f"{who} ({PersonRole(role).label.lower()})")
    return [
        (
            c.id,
            LogLine(
                reference=c.reference,
                reported=c.reported_at.date(),
                closed=c.closed_at.date() if c.closed_at else None,
                incident_type=incident_type_name(c.incident_type),
                status=IncidentStatus(c.status).label,
                people="; ".join(people.get(c.id, [])),
                outcome=c.outcome,
                steps_to_do=c.steps_to_do,
            ),
        )
        for c in found
    ]


@dataclass(frozen=True)
class _LoggedCase:
    """One case of the log, as read in its store."""

    id: int
    reference: str
    reported_at: datetime
    closed_at: datetime | None
    incident_type: str | None
    status: str
    outcome: str
    steps_to_do: tuple[OutstandingStep, ...]


# Pseudonyms by kind of person, including people recorded only on a case (an unknown or online
# person, another school's pupil, a family member): each is pseudonymised like everyone else.
_KIND_WORDS = {
    "pupil": "Pupil",
    "staff": "Staff",
    "parent": "Parent",
    "visitor": "Visitor",
    "online": "Online person",
    "other_pupil": "Other school's pupil",
    "family": "Family member",
}


def incident_log(
    signed_in: SignedIn,
    period: Period,
    *,
    names: bool,
    incident_type: str | None = None,
    status: IncidentStatus | None = None,
) -> bytes:
    """The incident log as a PDF for the local authority or trust; audited."""
    signed_in.require(Permission.MAKE_REPORTS)
    from esafety_desktop.reports.incident_log import incident_log_pdf
    from esafety_desktop.services.exports import printing
    from esafety_desktop.services.restricted_cases import store_for

    logged = _incident_log(signed_in, period, names, incident_type, status)
    lines = [line for _id, line in logged]
    missing = restricted_left_out(signed_in)
    pdf = incident_log_pdf(period, lines, names, printing(signed_in), left_out=missing)
    said = {"from": period.start.isoformat(), "to": period.end.isoformat(), "names": names}
    # The clear audit log counts only the school database's cases; each restricted case in
    # the log records it inside its own seal.
    for incident_id in [i for i, _line in logged if i < 0]:
        with store_for(signed_in, incident_id).transaction() as session:
            signed_in.record(
                session,
                "report.incident_log_made",
                subject_type="incident",
                subject_id=incident_id,
                details=said,
            )
    with signed_in.database.transaction() as session:
        signed_in.record(
            session,
            "report.incident_log_made",
            details={
                **said,
                "cases": sum(1 for i, _line in logged if i >= 0),
                **({"restricted_cases_left_out": missing} if missing else {}),
            },
        )
    return pdf


def _outcome(closing_text: str) -> str:
    for line in closing_text.splitlines():
        if line.startswith("Outcome:"):
            return line.removeprefix("Outcome:").strip()
    return ""

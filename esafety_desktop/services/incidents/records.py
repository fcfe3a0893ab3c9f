"""Reading cases: the summaries the pages list, the cases a person is involved in, and the
printed record of a case (also what a review pack holds)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from esafety_desktop.domain.incidents import (
    IncidentStatus,
    Location,
    PersonRole,
    PlanStep,
    RiskCategory,
    StepState,
    incident_type_name,
    plan_of,
)
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents._common import _visible_incident, visible_to
from esafety_desktop.services.incidents.actions import ActionInfo, actions
from esafety_desktop.services.incidents.chronology import chronology
from esafety_desktop.services.incidents.evidence import evidence_for
from esafety_desktop.services.incidents.flowcharts import shipped_flowchart
from esafety_desktop.services.incidents.plan import _answers
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.restricted_cases import every_store, store_for
from esafety_desktop.storage.models import Incident, IncidentPerson, Person

if TYPE_CHECKING:
    from esafety_desktop.reports.incident_record import IncidentRecord


@dataclass(frozen=True)
class Involved:
    person_id: int
    name: str
    year_group: str | None  # a pupil's year group when the case began
    roles: tuple[PersonRole, ...] = ()


@dataclass(frozen=True)
class IncidentSummary:
    id: int
    reference: str
    status: IncidentStatus
    incident_type: str | None
    branch: str | None
    reported_at: datetime
    summary: str
    category: RiskCategory | None = None
    involved: tuple[Involved, ...] = ()
    reported_by: str = ""
    child_words: str = ""
    location: Location | None = None
    online_service: str = ""

    @property
    def year_groups(self) -> set[str]:
        return {i.year_group for i in self.involved if i.year_group}


@open_to_every_role("the cases this account may see")
def list_incidents(signed_in: SignedIn) -> list[IncidentSummary]:
    """Every case this account may see, newest first."""
    found: list[IncidentSummary] = []
    for session in every_store(signed_in):
        query = (
            select(Incident)
            .where(visible_to(signed_in))
            .order_by(Incident.reported_at.desc(), Incident.id.desc())
        )
        cases = list(session.scalars(query))
        involved = _involved(session, None)
        found += [_summary(i, involved.get(i.id, ())) for i in cases]
    found.sort(key=lambda s: (s.reported_at, s.id), reverse=True)
    return found


@open_to_every_role("the cases this account may see")
def incident_summary(signed_in: SignedIn, incident_id: int) -> IncidentSummary | None:
    """One case as the list shows it (after a change to it), or None if this account may
    not see it."""
    with store_for(signed_in, incident_id).reading() as session:
        incident = session.scalar(
            select(Incident).where(Incident.id == incident_id, visible_to(signed_in))
        )
        if incident is None:
            return None
        return _summary(incident, _involved(session, [incident_id]).get(incident_id, ()))


def _involved(session: Session, incident_ids: list[int] | None) -> dict[int, tuple[Involved, ...]]:
    """The people of the given cases (of every case when None), in the order they were added."""
    from esafety_desktop.domain.people import display_name

    query = (
        select(
            IncidentPerson.incident_id,
            IncidentPerson.person_id,
            IncidentPerson.year_group,
            IncidentPerson.role,
            Person.forename,
            Person.surname,
            Person.preferred_name,
        )
        .join(Person, Person.id == IncidentPerson.person_id)
        .order_by(IncidentPerson.id)
    )
    if incident_ids is not None:
        query = query.where(IncidentPerson.incident_id.in_(incident_ids))
    found: dict[int, dict[int, Involved]] = {}
    rows = session.execute(query)
    for incident_id, person_id, year, role, forename, surname, preferred in rows:
        people = found.setdefault(incident_id, {})
        known = people.get(person_id) or Involved(
            person_id, display_name(forename, surname, preferred), year
        )
        people[person_id] = replace(known, roles=(*known.roles, PersonRole(role)))
    return {k: tuple(v.values()) for k, v in found.items()}


def _summary(incident: Incident, involved: tuple[Involved, ...] = ()) -> IncidentSummary:
    return IncidentSummary(
        id=incident.id,
        reference=incident.reference,
        status=IncidentStatus(incident.status),
        incident_type=incident.incident_type,
        branch=incident.branch,
        reported_at=incident.reported_at,
        summary=incident.summary,
        category=RiskCategory(incident.category) if incident.category else None,
        involved=involved,
        reported_by=incident.reported_by,
        child_words=incident.child_words or "",
        location=Location(incident.location) if incident.location else None,
        online_service=incident.online_service or "",
    )


@open_to_every_role("the cases this account may see")
def incident_record(signed_in: SignedIn, incident_id: int) -> bytes:
    """The printable record of a case (PDF bytes, never written to disk here)."""
    from esafety_desktop.reports.incident_record import incident_record_pdf

    return incident_record_pdf(incident_record_data(signed_in, incident_id))


@open_to_every_role("the cases this account may see")
def incident_record_data(signed_in: SignedIn, incident_id: int) -> IncidentRecord:
    """What the printed record of a case says, as plain data (also what a review pack holds)."""
    from esafety_desktop.domain.people import display_name
    from esafety_desktop.reports.incident_record import (
        IncidentRecord,
        RecordEntry,
        RecordPerson,
    )
    from esafety_desktop.services.settings import school_settings

    entries = chronology(signed_in, incident_id)
    today = signed_in.clock.today()  # an action is overdue as of the day the record is made
    held = [
        f"{e.kind.label}: {e.description}"
        + (f" {e.url}" if e.url else "")
        + (f", kept in {e.held_where} by {e.held_by}" if e.held_where else "")
        + (f" (file {e.file_name}, SHA-256 {e.sha256})" if e.sha256 else "")
        for e in evidence_for(signed_in, incident_id)
    ]
    with store_for(signed_in, incident_id).reading() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        involved = session.execute(
            select(Person, IncidentPerson.role)
            .join(IncidentPerson, IncidentPerson.person_id == Person.id)
            .where(IncidentPerson.incident_id == incident.id)
        ).all()
        people_rows = [
            RecordPerson(
                display_name(p.forename, p.surname, p.preferred_name),
                PersonRole(role).label,
                _person_details(p),
            )
            for p, role in involved
        ]
        plan = plan_of(shipped_flowchart(), _answers(session, incident.id))
        facts = (
            incident.reference,
            incident_type_name(incident.incident_type),
            IncidentStatus(incident.status).label,
            incident.reported_by,
            incident.reported_at,
            (Location(incident.location).label if incident.location else "")
            + (f" ({incident.online_service})" if incident.online_service else ""),
            incident.summary,
            incident.child_words,
        )
    record = IncidentRecord(
        school_name=school_settings(signed_in).school_name,
        reference=facts[0],
        incident_type=facts[1],
        status=facts[2],
        reported_by=facts[3],
        reported_at=facts[4],
        location=facts[5],
        summary=facts[6],
        child_words=facts[7],
        people=people_rows,
        entries=[
            RecordEntry(
                when=e.recorded_at,
                title=e.title,
                lines=[
                    *e.lines(),
                    *(["Corrected later; the original is kept above."] if e.corrected_by else []),
                ],
                author=e.author,
            )
            for e in entries
        ],
        evidence=held,
        printed_by=signed_in.account.display_name,
        printed_at=signed_in.clock.local_now(),
        where_it_stands=plan.where(),
        still_to_do=[_still_to_do(p) for p in plan.outstanding],
        actions=[_action_line(a, today) for a in actions(signed_in, incident_id)],
    )
    return record


@dataclass(frozen=True)
class PersonIncident:
    incident: IncidentSummary
    role: PersonRole


@open_to_every_role("the cases this account may see")
def incidents_about(signed_in: SignedIn, person_id: int) -> list[PersonIncident]:
    """The cases a person is involved in (that this account may see), newest first."""
    found: list[PersonIncident] = []
    for session in every_store(signed_in):
        rows = session.execute(
            select(Incident, IncidentPerson.role)
            .join(IncidentPerson, IncidentPerson.incident_id == Incident.id)
            .where(IncidentPerson.person_id == person_id, visible_to(signed_in))
            .order_by(Incident.reported_at.desc())
        ).all()
        found += [PersonIncident(_summary(i), PersonRole(role)) for i, role in rows]
    found.sort(key=lambda p: p.incident.reported_at, reverse=True)
    return found


def _still_to_do(taken: PlanStep) -> str:
    """A step still to do, as the printed record lists it."""
    answer = taken.taken
    if taken.state is StepState.UNCONFIRMED or answer is None:
        return f"{taken.step.title}: recorded as done before the app asked; not confirmed"
    due = f", by {answer.due:%d/%m/%Y}" if answer.due else ""
    return f"{taken.step.title}: {answer.owner}{due}"


def _action_line(action: ActionInfo, today: date) -> str:
    """An action as the printed record lists it: where it stands is as on ``today``."""
    state = "done" if action.done else "OVERDUE" if action.overdue(today) else "open"
    step = " (a step of the flowchart)" if action.step_id else ""
    return f"{action.title}: {action.owner}, due {action.due:%d/%m/%Y} ({state}){step}"


def _person_details(person: Person) -> str:
    """What the printed record says beside a name: a pupil's class, a job, an organisation;
    for someone not on the register, what kind of person and what is known of them."""
    from esafety_desktop.domain.people import CasePersonKind, Newcomer

    if person.kind in {k.value for k in CasePersonKind}:
        return Newcomer(
            CasePersonKind(person.kind),
            school=person.organisation or "",
            relationship=person.role or "",
            description=person.description or "",
            online_identities=person.online_identities or "",
            platform=person.platform or "",
            approximate_age=person.approximate_age or "",
        ).details()
    parts = (person.class_name or "", person.role or "", person.organisation or "")
    return ", ".join(x for x in parts if x)

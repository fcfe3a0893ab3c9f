"""Recording a case. It is written in one transaction from a walk that follows the flowchart,
with its reference and its status after the walk; an allegation about an account holder is
kept from that account."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from esafety_desktop.domain.incidents import (
    IncidentStatus,
    Location,
    PersonRole,
    RiskCategory,
    WalkStep,
    automatic_status,
    check_walk,
    incident_type_of,
)
from esafety_desktop.domain.people import CasePersonKind, Newcomer, PersonKind
from esafety_desktop.domain.roles import Permission, Role
from esafety_desktop.domain.school_year import year_group_then
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents._common import HEAD_ROUTE, _account_concerned, _case_changed
from esafety_desktop.services.incidents.flowcharts import shipped_flowchart
from esafety_desktop.services.incidents.plan import record_walk
from esafety_desktop.services.incidents.records import IncidentSummary, _involved, _summary
from esafety_desktop.services.restricted_cases import new_restricted_case
from esafety_desktop.storage.case_room import CASE_NUMBER, case_reference
from esafety_desktop.storage.models import Account, Incident, IncidentPerson, Person

__all__ = ["HEAD_ROUTE", "shipped_flowchart"]


@dataclass(frozen=True)
class NewIncident:
    reported_by: str
    reported_at: datetime
    summary: str
    child_words: str
    location: Location
    people: list[tuple[int, PersonRole]]
    walk: list[WalkStep]
    category: RiskCategory | None = None
    occurred_at: datetime | None = None
    online_service: str = ""
    concerns_account_id: int | None = None  # an allegation about this account holder
    misuse_category: str | None = None  # C1..C4 when a pupil misused school systems
    # Other accounts the case is kept from (the DSL restricted it): it is then sealed.
    kept_from: tuple[int, ...] = ()
    # People not in the register, added from the wizard, each with their role.
    newcomers: list[tuple[Newcomer, PersonRole]] = field(default_factory=list)


def record_incident(signed_in: SignedIn, new: NewIncident) -> IncidentSummary:
    """Write the case from the wizard's walk: what has happened up to now; the rest of the
    flowchart is carried on later (:func:`carry_on`)."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    chart = shipped_flowchart()
    if not new.summary.strip():
        raise InvalidInput("Write what happened, in factual words.")
    if not new.reported_by.strip():
        raise InvalidInput("Say who reported the concern.")
    if not new.people and not new.newcomers:
        raise InvalidInput("Add at least one person involved, with their role.")
    for newcomer, _ in new.newcomers:
        if newcomer.problem():
            raise InvalidInput(f"{newcomer.kind.label}: {newcomer.problem()}")
    try:
        check_walk(chart, new.walk, signed_in.clock.local_now())
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    kind, branch = incident_type_of(chart, new.walk)
    fitting = {PersonRole(r) for r in chart.roles_for(kind)}
    unfitting = [r for _, r in [*new.people, *new.newcomers] if r not in fitting]
    if unfitting:
        raise InvalidInput(
            f"“{unfitting[0].label}” is not a role for this kind of incident; choose one of: "
            + ", ".join(r.label for r in PersonRole if r in fitting)
            + "."
        )
    routes = [chart.step(w.step_id).routes_to for w in new.walk if chart.step(w.step_id).routes_to]
    routed = routes[0] if routes else None
    with signed_in.database.reading() as session:
        concerns = _account_concerned(session, signed_in, new.concerns_account_id, routes)
        kept_from = _kept_from(session, signed_in, concerns, new.kept_from)
    store = new_restricted_case(signed_in, kept_from) if kept_from else signed_in.database
    with store.transaction() as session:
        for person_id, _ in new.people:
            if session.get(Person, person_id) is None:
                raise InvalidInput("One of the people involved is not in the register.")
        now = signed_in.clock.utc_now()
        incident = Incident(
            reference=_next_reference(session, new.reported_at),
            status=IncidentStatus.OPEN.value,
            incident_type=kind,
            branch=branch,
            category=new.category.value if new.category else None,
            summary=new.summary.strip(),
            child_words=new.child_words,
            location=new.location.value,
            online_service=new.online_service.strip() or None,
            reported_by=new.reported_by.strip(),
            reported_at=new.reported_at,
            occurred_at=new.occurred_at,
            concerns_account_id=concerns,
            routed_to=routed,
            misuse_category=new.misuse_category,
            created_by_id=signed_in.account.id,
            created_at=now,
        )
        session.add(incident)
        session.flush()
        people = list(new.people)
        for newcomer, role in new.newcomers:
            people.append((_add_newcomer(session, newcomer, now), role))
        for person_id, role in dict.fromkeys(people):
            person = session.get(Person, person_id)
            assert person is not None
            session.add(
                IncidentPerson(
                    incident_id=incident.id,
                    person_id=person_id,
                    role=role.value,
                    year_group=_year_group_then(
                        person, new.reported_at.date(), signed_in.clock.today()
                    ),
                )
            )
        plan = record_walk(session, signed_in, incident, chart, new.walk, now)
        incident.status = automatic_status(plan, IncidentStatus.OPEN).value
        _case_changed(
            session,
            signed_in,
            incident.id,
            "incident.created",
            details={"reference": incident.reference, "type": kind},
        )
        return _summary(incident, _involved(session, [incident.id]).get(incident.id, ()))


@dataclass(frozen=True)
class AccountHolder:
    id: int
    name: str
    role: Role


def account_holders(signed_in: SignedIn) -> list[AccountHolder]:
    """The other accounts a case could be about, so it can be kept from that account."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    with signed_in.database.reading() as session:
        rows = session.scalars(
            select(Account)
            .where(Account.removed_at.is_(None), Account.id != signed_in.account.id)
            .order_by(Account.display_name)
        )
        return [AccountHolder(a.id, a.display_name, Role(a.role)) for a in rows]


def _year_group_then(person: Person, then: date, today: date) -> str | None:
    """A pupil's year group on the day of the case (it differs when an old case is entered
    late), from their year group now or on the day they left. "Now" is never before their
    register row was last written, whose year group was true then: a clock set back (as the
    demo school's is while its old cases are written) must not make the pupil younger."""
    if person.kind != "pupil":
        return None
    written = person.updated_at.replace(tzinfo=UTC).astimezone().date()
    now = max(today, written)
    as_of = min(person.leaving_date, now) if person.leaving_date else now
    return year_group_then(person.year_group, as_of, then)


def _kept_from(
    session: Session, signed_in: SignedIn, concerns: int | None, chosen: tuple[int, ...]
) -> list[str]:
    """The accounts a new case is kept from (their user names): the one it is about, and any
    the DSL chose. Empty: an ordinary case."""
    ids = sorted({*chosen, *([concerns] if concerns is not None else [])})
    if signed_in.account.id in ids:
        raise InvalidInput("A case cannot be kept from the account recording it.")
    names = {
        account_id: name
        for account_id, name in session.execute(
            select(Account.id, Account.username).where(
                Account.id.in_(ids), Account.removed_at.is_(None)
            )
        )
    }
    if len(names) != len(ids):
        raise InvalidInput("An account this case is kept from no longer exists.")
    return [names[i] for i in ids]


def _next_reference(session: Session, reported_at: datetime) -> str:
    number = session.info.get(CASE_NUMBER)
    if number is not None:
        return case_reference(number)  # a restricted case: its own series
    prefix = f"OS-{reported_at:%Y}-"
    count = session.scalar(
        select(func.count()).select_from(Incident).where(Incident.reference.startswith(prefix))
    )
    return f"{prefix}{(count or 0) + 1:04d}"


def _add_newcomer(session: Session, newcomer: Newcomer, now: datetime) -> int:
    """Someone not in the register, kept with the case (and on the register, as a parent or
    carer, when the DSL chose so for a family member)."""
    registered = newcomer.add_to_register and newcomer.kind is CasePersonKind.FAMILY
    person = Person(
        kind=PersonKind.PARENT.value if registered else newcomer.kind.value,
        forename=newcomer.forename.strip(),
        surname=newcomer.surname.strip() or newcomer.name(),
        role=newcomer.relationship.strip() or None,
        organisation=newcomer.school.strip() or None,
        description=newcomer.description.strip() or None,
        online_identities=newcomer.online_identities.strip() or None,
        platform=newcomer.platform.strip() or None,
        approximate_age=newcomer.approximate_age.strip() or None,
        in_register=registered,
        created_at=now,
        updated_at=now,
    )
    session.add(person)
    session.flush()
    return person.id

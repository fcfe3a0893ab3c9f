"""Recording incidents: drafts while the wizard is open, the case and its chronology after.

A case is written in one transaction from a walk that follows the flowchart. Its chronology is
append-only: notes and corrections are new entries; a correction keeps the original with who,
when and why. An allegation about an account holder is hidden from that account.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from esafety_desktop.domain.device_review import DeviceSiteReview, ReviewProblem
from esafety_desktop.domain.evidence import EvidenceKind, image_refusal, looks_like_image
from esafety_desktop.domain.flowchart import Flowchart, load_flowchart
from esafety_desktop.domain.incidents import (
    IncidentStatus,
    Location,
    PersonRole,
    RiskCategory,
    WalkStep,
    check_walk,
    incident_type_name,
    incident_type_of,
)
from esafety_desktop.domain.misuse_grid import (
    MisuseCategory,
    Suggestion,
    load_misuse_grid,
    suggest,
)
from esafety_desktop.domain.roles import Permission, Role
from esafety_desktop.domain.school_year import year_group_then
from esafety_desktop.errors import InvalidInput, NotAllowed
from esafety_desktop.paths import resources_dir
from esafety_desktop.services.access import SignedIn, utc_now
from esafety_desktop.storage.models import (
    Account,
    DeviceReview,
    Evidence,
    Incident,
    IncidentAction,
    IncidentDraft,
    IncidentEntry,
    IncidentPerson,
    Person,
)

if TYPE_CHECKING:
    from esafety_desktop.reports.incident_record import IncidentRecord


@cache
def shipped_flowchart() -> Flowchart:
    text = (resources_dir() / "flowcharts" / "online_safety.toml").read_text(encoding="utf-8")
    return load_flowchart(text)


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


@dataclass(frozen=True)
class ChronologyEntry:
    id: int
    recorded_at: datetime
    author: str
    kind: str
    title: str
    choice: str | None
    reasons: str
    done_by: str
    outcome: str
    reference: str | None
    text: str
    corrects: int | None
    corrected_by: list[int] = field(default_factory=list)


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


def record_incident(signed_in: SignedIn, new: NewIncident) -> IncidentSummary:
    """Write the case from a walk that reached the incident log."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    chart = shipped_flowchart()
    if not new.summary.strip():
        raise InvalidInput("Write what happened, in factual words.")
    if not new.reported_by.strip():
        raise InvalidInput("Say who reported the concern.")
    if not new.people:
        raise InvalidInput("Add at least one person involved, with their role.")
    try:
        check_walk(chart, new.walk)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    kind, branch = incident_type_of(chart, new.walk)
    routes = [chart.step(w.step_id).routes_to for w in new.walk if chart.step(w.step_id).routes_to]
    routed = routes[0] if routes else None
    with signed_in.database.transaction() as session:
        for person_id, _ in new.people:
            if session.get(Person, person_id) is None:
                raise InvalidInput("One of the people involved is not in the register.")
        concerns = _account_concerned(session, signed_in, new.concerns_account_id, routes)
        now = utc_now()
        incident = Incident(
            reference=_next_reference(session, new.reported_at),
            status=_status_after(new.walk).value,
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
        for person_id, role in dict.fromkeys(new.people):
            person = session.get(Person, person_id)
            assert person is not None
            session.add(
                IncidentPerson(
                    incident_id=incident.id,
                    person_id=person_id,
                    role=role.value,
                    year_group=_year_group_then(person, new.reported_at.date()),
                )
            )
        for taken in new.walk:
            step = chart.step(taken.step_id)
            session.add(
                _entry(
                    signed_in,
                    incident.id,
                    now,
                    kind="step",
                    step_id=step.id,
                    title=step.title,
                    choice=taken.choice,
                    reasons=taken.reasons,
                    done_by=taken.done_by,
                    outcome=taken.outcome,
                    reference_kind=step.reference,
                    reference_value=taken.reference.strip() or None,
                    text=taken.notes,
                )
            )
        _case_changed(
            session,
            signed_in,
            incident.id,
            "incident.created",
            details={"reference": incident.reference, "type": kind},
        )
        return _summary(incident, _involved(session, [incident.id]).get(incident.id, ()))


HEAD_ROUTE = "chair_of_governors_and_lado"  # the flowchart's route for the headteacher


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


def _account_concerned(
    session: Session, signed_in: SignedIn, chosen: int | None, routes: list[str | None]
) -> int | None:
    """The account a case must be hidden from. A case routed past the headteacher is always
    hidden from the headteacher's account, even if nobody chose it."""
    if chosen is not None:
        account = session.get(Account, chosen)
        if account is None or account.removed_at is not None:
            raise InvalidInput("The account this case is about no longer exists.")
        if account.id == signed_in.account.id:
            raise InvalidInput(
                "A case about you must be recorded by someone else: ask the deputy DSL."
            )
        return chosen
    if HEAD_ROUTE not in routes:
        return None
    heads = list(
        session.scalars(
            select(Account.id).where(
                Account.role == Role.HEADTEACHER.value, Account.removed_at.is_(None)
            )
        )
    )
    if len(heads) > 1:
        raise InvalidInput("Choose which headteacher account this case is about.")
    return heads[0] if heads else None


def list_incidents(signed_in: SignedIn) -> list[IncidentSummary]:
    """Every case this account may see, newest first."""
    with signed_in.database.reading() as session:
        query = (
            select(Incident)
            .where(visible_to(signed_in))
            .order_by(Incident.reported_at.desc(), Incident.id.desc())
        )
        cases = list(session.scalars(query))
        involved = _involved(session, None)
        return [_summary(i, involved.get(i.id, ())) for i in cases]


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


def chronology(signed_in: SignedIn, incident_id: int) -> list[ChronologyEntry]:
    """The case's entries in time order; reading them is recorded in the audit log."""
    with signed_in.database.transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        entries = list(
            session.scalars(
                select(IncidentEntry)
                .where(IncidentEntry.incident_id == incident.id)
                .order_by(IncidentEntry.recorded_at, IncidentEntry.id)
            )
        )
        signed_in.record(
            session, "incident.viewed", subject_type="incident", subject_id=incident.id
        )
        corrected: dict[int, list[int]] = {}
        for e in entries:
            if e.corrects_id:
                corrected.setdefault(e.corrects_id, []).append(e.id)
        return [
            ChronologyEntry(
                id=e.id,
                recorded_at=_local(e.recorded_at),
                author=e.author_name,
                kind=e.kind,
                title=e.title,
                choice=e.choice,
                reasons=e.reasons,
                done_by=e.done_by,
                outcome=e.outcome,
                reference=e.reference_value,
                text=e.text,
                corrects=e.corrects_id,
                corrected_by=corrected.get(e.id, []),
            )
            for e in entries
        ]


def add_note(signed_in: SignedIn, incident_id: int, text: str) -> None:
    signed_in.require(Permission.RECORD_INCIDENTS)
    if not text.strip():
        raise InvalidInput("The note is empty.")
    with signed_in.database.transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        session.add(_entry(signed_in, incident.id, utc_now(), kind="note", title="Note", text=text))
        _case_changed(session, signed_in, incident.id, "incident.note_added")


def correct_entry(signed_in: SignedIn, entry_id: int, corrected_text: str, why: str) -> None:
    """Add a correction; the original stays, marked as corrected."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    if not why.strip():
        raise InvalidInput("Say why the entry is being corrected.")
    with signed_in.database.transaction() as session:
        original = session.get(IncidentEntry, entry_id)
        if original is None:
            raise InvalidInput("That entry does not exist.")
        incident = _visible_incident(session, signed_in, original.incident_id)
        session.add(
            _entry(
                signed_in,
                incident.id,
                utc_now(),
                kind="correction",
                step_id=original.step_id,
                title=f"Correction to: {original.title}",
                reasons=why,
                text=corrected_text,
                corrects_id=original.id,
            )
        )
        _case_changed(
            session, signed_in, incident.id, "incident.corrected", details={"entry": original.id}
        )


# -- drafts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftInfo:
    id: int
    label: str
    updated_at: datetime


def save_draft(signed_in: SignedIn, draft_id: int | None, label: str, data: dict[str, Any]) -> int:
    """Keep the wizard's state as the user goes; returns the draft's id."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    encoded = json.dumps(data, ensure_ascii=False, default=str)
    with signed_in.database.transaction() as session:
        draft = session.get(IncidentDraft, draft_id) if draft_id else None
        if draft is not None and draft.account_id != signed_in.account.id:
            draft = None
        label = label.strip() or "Incident being recorded"
        if draft is None:
            draft = IncidentDraft(
                account_id=signed_in.account.id, label=label, data=encoded, updated_at=utc_now()
            )
            session.add(draft)
            session.flush()
            signed_in.record(
                session, "incident.draft_started", subject_type="draft", subject_id=draft.id
            )
        draft.label = label
        draft.data = encoded
        draft.updated_at = utc_now()
        session.flush()
        return draft.id


def my_drafts(signed_in: SignedIn) -> list[DraftInfo]:
    with signed_in.database.reading() as session:
        rows = session.scalars(
            select(IncidentDraft)
            .where(IncidentDraft.account_id == signed_in.account.id)
            .order_by(IncidentDraft.updated_at.desc())
        )
        return [DraftInfo(d.id, d.label, d.updated_at) for d in rows]


def load_draft(signed_in: SignedIn, draft_id: int) -> dict[str, Any]:
    with signed_in.database.reading() as session:
        draft = session.get(IncidentDraft, draft_id)
        if draft is None or draft.account_id != signed_in.account.id:
            raise InvalidInput("That draft is not yours or no longer exists.")
        return dict(json.loads(draft.data))


def discard_draft(signed_in: SignedIn, draft_id: int) -> None:
    with signed_in.database.transaction() as session:
        draft = session.get(IncidentDraft, draft_id)
        if draft is None or draft.account_id != signed_in.account.id:
            return
        session.delete(draft)
        signed_in.record(
            session, "incident.draft_discarded", subject_type="draft", subject_id=draft_id
        )


# -- helpers ------------------------------------------------------------------------------


def _year_group_then(person: Person, then: date) -> str | None:
    """A pupil's year group on the day of the case (it differs when an old case is entered
    late), from their year group now or on the day they left."""
    if person.kind != "pupil":
        return None
    today = date.today()
    as_of = min(person.leaving_date, today) if person.leaving_date else today
    return year_group_then(person.year_group, as_of, then)


def visible_to(signed_in: SignedIn) -> Any:
    return or_(
        Incident.concerns_account_id.is_(None),
        Incident.concerns_account_id != signed_in.account.id,
    )


def _visible_incident(session: Session, signed_in: SignedIn, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise InvalidInput("That incident does not exist.")
    if incident.concerns_account_id == signed_in.account.id:
        raise NotAllowed(signed_in.account.role.label, "open a case that is about them")
    return incident


def _next_reference(session: Session, reported_at: datetime) -> str:
    prefix = f"OS-{reported_at:%Y}-"
    count = session.scalar(
        select(func.count()).select_from(Incident).where(Incident.reference.startswith(prefix))
    )
    return f"{prefix}{(count or 0) + 1:04d}"


def _status_after(walk: list[WalkStep]) -> IncidentStatus:
    """Waiting for the police, or back to the school's own procedures once the police found
    nothing illegal; otherwise open."""
    for taken in reversed(walk):
        if taken.step_id == "police_outcome" and taken.choice and taken.choice.startswith("Still"):
            return IncidentStatus.AWAITING_POLICE
        if taken.step_id == "internal_procedures":
            return IncidentStatus.INTERNAL
    return IncidentStatus.OPEN


def _entry(signed_in: SignedIn, incident_id: int, when: datetime, **fields_: Any) -> IncidentEntry:
    values = {
        "step_id": None,
        "choice": None,
        "reasons": "",
        "done_by": "",
        "outcome": "",
        "reference_kind": None,
        "reference_value": None,
        "text": "",
        "corrects_id": None,
    }
    values.update(fields_)
    return IncidentEntry(
        incident_id=incident_id,
        recorded_at=when,
        author_id=signed_in.account.id,
        author_name=signed_in.account.display_name,
        **values,
    )


def _local(utc_naive: datetime) -> datetime:
    """Stored times are UTC; people read UK local time."""
    return utc_naive.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


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


def incident_record(signed_in: SignedIn, incident_id: int) -> bytes:
    """The printable record of a case (PDF bytes, never written to disk here)."""
    from esafety_desktop.reports.incident_record import incident_record_pdf

    return incident_record_pdf(incident_record_data(signed_in, incident_id))


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
    held = [
        f"{e.kind.label}: {e.description}"
        + (f" {e.url}" if e.url else "")
        + (f", kept in {e.held_where} by {e.held_by}" if e.held_where else "")
        + (f" (file {e.file_name}, SHA-256 {e.sha256})" if e.sha256 else "")
        for e in evidence_for(signed_in, incident_id)
    ]
    with signed_in.database.reading() as session:
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
                ", ".join(x for x in (p.class_name or "", p.role or "", p.organisation or "") if x),
            )
            for p, role in involved
        ]
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
                    line
                    for line in (
                        f"Decision: {e.choice}" if e.choice else "",
                        f"Reasons: {e.reasons}" if e.reasons else "",
                        f"Done by {e.done_by}" if e.done_by else "",
                        f"Outcome: {e.outcome}" if e.outcome else "",
                        f"Reference: {e.reference}" if e.reference else "",
                        e.text,
                        "Corrected later; the original is kept above." if e.corrected_by else "",
                    )
                    if line
                ],
                author=e.author,
            )
            for e in entries
        ],
        evidence=held,
        printed_by=signed_in.account.display_name,
        printed_at=datetime.now(),
    )
    return record


@dataclass(frozen=True)
class PersonIncident:
    incident: IncidentSummary
    role: PersonRole


def incidents_about(signed_in: SignedIn, person_id: int) -> list[PersonIncident]:
    """The cases a person is involved in (that this account may see), newest first."""
    with signed_in.database.reading() as session:
        rows = session.execute(
            select(Incident, IncidentPerson.role)
            .join(IncidentPerson, IncidentPerson.incident_id == Incident.id)
            .where(IncidentPerson.person_id == person_id, visible_to(signed_in))
            .order_by(Incident.reported_at.desc())
        ).all()
        return [PersonIncident(_summary(i), PersonRole(role)) for i, role in rows]


@dataclass(frozen=True)
class Closing:
    """The closing questions: answered when a case is closed."""

    outcome: str
    debrief_held: bool
    lessons_learned: str
    policy_review_needed: bool


def change_status(
    signed_in: SignedIn,
    incident_id: int,
    status: IncidentStatus,
    reasons: str,
    closing: Closing | None = None,
) -> None:
    """Move a case on (for example to monitoring, or closed), with the reasons on its record."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    if not reasons.strip():
        raise InvalidInput("Say why the status is changing.")
    if status is IncidentStatus.CLOSED:
        if closing is None or not closing.outcome.strip():
            raise InvalidInput("Before closing, record the outcome.")
        if not closing.lessons_learned.strip():
            raise InvalidInput("Before closing, record the lessons learned (or 'none').")
    with signed_in.database.transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        old = IncidentStatus(incident.status)
        if old is status:
            return
        incident.status = status.value
        incident.closed_at = utc_now() if status is IncidentStatus.CLOSED else None
        text = ""
        if closing is not None and status is IncidentStatus.CLOSED:
            text = (
                f"Outcome: {closing.outcome.strip()}\n"
                f"Debrief held: {'yes' if closing.debrief_held else 'no'}\n"
                f"Lessons learned: {closing.lessons_learned.strip()}\n"
                f"Policy review needed: {'yes' if closing.policy_review_needed else 'no'}"
            )
        session.add(
            _entry(
                signed_in,
                incident.id,
                utc_now(),
                kind="status",
                title=f"Status: {old.label} → {status.label}",
                reasons=reasons,
                text=text,
            )
        )
        _case_changed(
            session,
            signed_in,
            incident.id,
            "incident.status_changed",
            details={"from": old.value, "to": status.value},
        )


def open_case_count(signed_in: SignedIn) -> dict[IncidentStatus, int]:
    """Open cases by status (closed ones left out), for the Dashboard."""
    with signed_in.database.reading() as session:
        rows = session.execute(
            select(Incident.status, func.count())
            .where(Incident.status != IncidentStatus.CLOSED.value, visible_to(signed_in))
            .group_by(Incident.status)
        ).all()
        return {IncidentStatus(status): count for status, count in rows}


@cache
def shipped_misuse_grid() -> dict[str, MisuseCategory]:
    text = (resources_dir() / "misuse_grid.toml").read_text(encoding="utf-8")
    return load_misuse_grid(text)


def misuse_suggestion(signed_in: SignedIn, person_id: int, category: str) -> Suggestion:
    """The grid's response for this pupil, from their earlier incidents in the category."""
    with signed_in.database.reading() as session:
        earlier = session.scalar(
            select(func.count(func.distinct(Incident.id)))
            .join(IncidentPerson, IncidentPerson.incident_id == Incident.id)
            .where(IncidentPerson.person_id == person_id, Incident.misuse_category == category)
        )
    return suggest(shipped_misuse_grid(), category, earlier or 0)


def _case_changed(
    session: Session,
    signed_in: SignedIn,
    incident_id: int,
    action: str,
    details: dict[str, Any] | None = None,
) -> None:
    """After any change to a case: refresh its search text and write the audit entry."""
    session.flush()
    _reindex(session, incident_id)
    signed_in.record(
        session, action, subject_type="incident", subject_id=incident_id, details=details
    )


SHORTEST_WORD = 2  # one letter matches nearly every case: searching starts at two


def search_words(words: str) -> list[str]:
    """The words a search looks for: two or more letters or digits each."""
    return [t for t in re.findall(r"\w+", words.lower()) if len(t) >= SHORTEST_WORD]


def search_incidents(signed_in: SignedIn, words: str) -> set[int]:
    """Ids of the visible cases whose facts, people or chronology contain every word typed
    (each word matched as a prefix, so typing "cyber" finds "cyberbullying")."""
    tokens = search_words(words)
    if not tokens:
        return set()
    query = " ".join(f'"{t}"*' for t in tokens)
    with signed_in.database.reading() as session:
        connection = session.connection()
        # One string of ids, not a row each: a search can match most of 20,000 cases while
        # someone types, and one string is twice as quick as 20,000 rows (bench/).
        found = connection.exec_driver_sql(
            "SELECT group_concat(rowid) FROM incident_search WHERE incident_search MATCH ?",
            (query,),
        ).scalar()
        hidden = connection.exec_driver_sql(
            "SELECT id FROM incident WHERE concerns_account_id = ?", (signed_in.account.id,)
        ).fetchall()
    ids = set(map(int, found.split(","))) if found else set()
    return ids - {row[0] for row in hidden}


def _reindex(session: Session, incident_id: int) -> None:
    """Rebuild one case's search text (its facts, its people's names, its chronology)."""
    incident = session.get(Incident, incident_id)
    assert incident is not None
    names = session.execute(
        select(Person.forename, Person.surname, Person.preferred_name, Person.class_name)
        .join(IncidentPerson, IncidentPerson.person_id == Person.id)
        .where(IncidentPerson.incident_id == incident_id)
    ).all()
    entries = session.execute(
        select(
            IncidentEntry.title,
            IncidentEntry.choice,
            IncidentEntry.reasons,
            IncidentEntry.outcome,
            IncidentEntry.reference_value,
            IncidentEntry.text,
            IncidentEntry.done_by,
        ).where(IncidentEntry.incident_id == incident_id)
    ).all()
    parts = [
        incident.reference,
        incident.summary,
        incident.child_words,
        incident.reported_by,
        incident.online_service or "",
        incident_type_name(incident.incident_type),
        *(" ".join(filter(None, row)) for row in names),
        *(" ".join(filter(None, row)) for row in entries),
    ]
    body = "\n".join(p for p in parts if p)
    session.execute(text("DELETE FROM incident_search WHERE rowid = :id"), {"id": incident_id})
    session.execute(
        text("INSERT INTO incident_search (rowid, body) VALUES (:id, :body)"),
        {"id": incident_id, "body": body},
    )


@dataclass(frozen=True)
class EvidenceItem:
    id: int
    kind: EvidenceKind
    description: str
    url: str | None
    held_where: str | None
    held_by: str | None
    file_name: str | None
    sha256: str | None
    recorded_by: str
    recorded_at: datetime


def add_evidence(
    signed_in: SignedIn,
    incident_id: int,
    kind: EvidenceKind,
    description: str,
    *,
    url: str = "",
    held_where: str = "",
    held_by: str = "",
    file_name: str = "",
    content: bytes | None = None,
) -> None:
    """Log evidence on a case. Images are refused outright for nudes and indecent images."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    if not description.strip():
        raise InvalidInput("Describe the evidence.")
    if kind is EvidenceKind.URL and not url.strip():
        raise InvalidInput("Type the web address.")
    if kind is EvidenceKind.DEVICE and not (held_where.strip() and held_by.strip()):
        raise InvalidInput("Say where the device is kept and who holds it (chain of custody).")
    if kind is EvidenceKind.SCREENSHOT and not content:
        raise InvalidInput("Choose the screenshot to attach.")
    with signed_in.database.reading() as session:
        incident_type = _visible_incident(session, signed_in, incident_id).incident_type
    refusal = image_refusal(incident_type)
    is_image = kind is EvidenceKind.SCREENSHOT or (
        content is not None and looks_like_image(content, file_name)
    )
    if refusal and is_image:
        with signed_in.database.transaction() as session:
            signed_in.record(
                session, "evidence.image_refused", subject_type="incident", subject_id=incident_id
            )
        raise InvalidInput(refusal)
    with signed_in.database.transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        digest = hashlib.sha256(content).hexdigest() if content is not None else None
        now = utc_now()
        session.add(
            Evidence(
                incident_id=incident.id,
                kind=kind.value,
                description=description.strip(),
                url=url.strip() or None,
                held_where=held_where.strip() or None,
                held_by=held_by.strip() or None,
                file_name=file_name or None,
                sha256=digest,
                content=content,
                recorded_by=signed_in.account.display_name,
                recorded_at=now,
            )
        )
        details = [description.strip(), url.strip(), held_where.strip(), held_by.strip()]
        session.add(
            _entry(
                signed_in,
                incident.id,
                now,
                kind="evidence",
                title=f"Evidence: {kind.label}",
                text="; ".join(d for d in details if d)
                + (f" (file {file_name}, SHA-256 {digest})" if digest else ""),
            )
        )
        _case_changed(
            session,
            signed_in,
            incident.id,
            "evidence.added",
            details={"kind": kind.value, "sha256": digest},
        )


def evidence_for(signed_in: SignedIn, incident_id: int) -> list[EvidenceItem]:
    with signed_in.database.reading() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        rows = session.scalars(
            select(Evidence).where(Evidence.incident_id == incident.id).order_by(Evidence.id)
        )
        return [
            EvidenceItem(
                id=e.id,
                kind=EvidenceKind(e.kind),
                description=e.description,
                url=e.url,
                held_where=e.held_where,
                held_by=e.held_by,
                file_name=e.file_name,
                sha256=e.sha256,
                recorded_by=e.recorded_by,
                recorded_at=_local(e.recorded_at),
            )
            for e in rows
        ]


def sign_off(signed_in: SignedIn, incident_id: int, comment: str) -> None:
    """The headteacher's (or DSL's) review of a case, signed with their name and the date."""
    signed_in.require(Permission.SIGN_OFF_CASES)
    with signed_in.database.transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        me = signed_in.account
        session.add(
            _entry(
                signed_in,
                incident.id,
                utc_now(),
                kind="review",
                title=f"Reviewed and signed off by {me.display_name} ({me.role.label})",
                text=comment.strip(),
            )
        )
        _case_changed(session, signed_in, incident.id, "incident.signed_off")


def awaiting_sign_off(signed_in: SignedIn) -> int:
    """Visible cases with no review entry yet (for the headteacher's Dashboard)."""
    with signed_in.database.reading() as session:
        reviewed = select(IncidentEntry.incident_id).where(IncidentEntry.kind == "review")
        return (
            session.scalar(
                select(func.count())
                .select_from(Incident)
                .where(Incident.id.not_in(reviewed), visible_to(signed_in))
            )
            or 0
        )


@dataclass(frozen=True)
class ActionInfo:
    id: int
    incident_id: int
    reference: str
    title: str
    owner: str
    due: date
    done: bool

    def overdue(self, today: date) -> bool:
        return not self.done and self.due < today


def add_action(signed_in: SignedIn, incident_id: int, title: str, owner: str, due: date) -> None:
    signed_in.require(Permission.RECORD_INCIDENTS)
    if not title.strip() or not owner.strip():
        raise InvalidInput("Say what must be done and who will do it.")
    with signed_in.database.transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        now = utc_now()
        session.add(
            IncidentAction(
                incident_id=incident.id,
                title=title.strip(),
                owner=owner.strip(),
                due=due,
                created_at=now,
            )
        )
        session.add(
            _entry(
                signed_in,
                incident.id,
                now,
                kind="action",
                title=f"Action set: {title.strip()}",
                done_by=owner.strip(),
                text=f"Due {due:%d/%m/%Y}",
            )
        )
        _case_changed(session, signed_in, incident.id, "incident.action_added")


def complete_action(signed_in: SignedIn, action_id: int, outcome: str) -> None:
    signed_in.require(Permission.RECORD_INCIDENTS)
    with signed_in.database.transaction() as session:
        action = session.get(IncidentAction, action_id)
        if action is None or action.done_at is not None:
            raise InvalidInput("That action is already done or does not exist.")
        incident = _visible_incident(session, signed_in, action.incident_id)
        now = utc_now()
        action.done_at = now
        session.add(
            _entry(
                signed_in,
                incident.id,
                now,
                kind="action",
                title=f"Action done: {action.title}",
                done_by=action.owner,
                outcome=outcome.strip(),
            )
        )
        _case_changed(session, signed_in, incident.id, "incident.action_done")


def actions(
    signed_in: SignedIn, incident_id: int | None = None, *, open_only: bool = False
) -> list[ActionInfo]:
    """Actions of one case, or of every visible case (for the Dashboard), soonest due first."""
    with signed_in.database.reading() as session:
        query = (
            select(IncidentAction, Incident.reference)
            .join(Incident, Incident.id == IncidentAction.incident_id)
            .where(visible_to(signed_in))
            .order_by(IncidentAction.due, IncidentAction.id)
        )
        if incident_id is not None:
            query = query.where(IncidentAction.incident_id == incident_id)
        if open_only:
            query = query.where(IncidentAction.done_at.is_(None))
        return [
            ActionInfo(a.id, a.incident_id, ref, a.title, a.owner, a.due, a.done_at is not None)
            for a, ref in session.execute(query).all()
        ]


def record_device_review(signed_in: SignedIn, incident_id: int, review: DeviceSiteReview) -> None:
    """Keep a review of devices or sites with the case (and a line in its chronology)."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    try:
        review.check()
    except ReviewProblem as exc:
        raise InvalidInput(str(exc)) from None
    with signed_in.database.transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        now = utc_now()
        session.add(
            DeviceReview(
                incident_id=incident.id,
                data=json.dumps(review.to_json(), ensure_ascii=False),
                recorded_by=signed_in.account.display_name,
                recorded_at=now,
            )
        )
        session.add(
            _entry(
                signed_in,
                incident.id,
                now,
                kind="device_review",
                title="Devices or sites reviewed by two senior staff",
                done_by=f"{review.first_reviewer.name} and {review.second_reviewer.name}",
                outcome=f"{review.action}: {review.conclusion}",
                text="; ".join(f"{i.address_or_device} ({i.concern})" for i in review.items),
            )
        )
        _case_changed(session, signed_in, incident.id, "incident.device_review")


def device_review_form(signed_in: SignedIn, incident_id: int) -> bytes | None:
    """The newest review of the case as a printable form, or None if there is none."""
    from esafety_desktop.reports.device_review import ReviewForm, device_review_pdf
    from esafety_desktop.services.settings import school_settings

    with signed_in.database.reading() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        row = session.scalar(
            select(DeviceReview)
            .where(DeviceReview.incident_id == incident.id)
            .order_by(DeviceReview.id.desc())
            .limit(1)
        )
        if row is None:
            return None
        review = DeviceSiteReview.from_json(json.loads(row.data))
        reference, when = incident.reference, _local(row.recorded_at)
    return device_review_pdf(
        ReviewForm(
            school_name=school_settings(signed_in).school_name,
            reference=reference,
            review=review,
            reviewed_at=when,
            printed_by=signed_in.account.display_name,
            printed_at=datetime.now(),
        )
    )

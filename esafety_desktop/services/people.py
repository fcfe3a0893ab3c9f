"""The people register: list, look at, add, change, link and mark as left. Never delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from esafety_desktop.domain.mis_import import normalise_year_group
from esafety_desktop.domain.people import PersonKind, display_name
from esafety_desktop.domain.roles import Permission
from esafety_desktop.domain.upn import normalise_upn, upn_problem
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.storage.models import Person, PersonLink


@dataclass(frozen=True)
class PersonRow:
    """One line of the People page: enough to show, sort, filter and search."""

    id: int
    kind: PersonKind
    name: str
    surname: str
    forename: str
    year_group: str | None
    class_name: str | None
    send: bool
    eal: bool
    looked_after: bool
    leaving_date: date | None
    possible_leaver: bool
    detail: str  # role, organisation or relationship, for staff, visitors and parents
    upn: str | None
    mis_id: str | None
    date_of_birth: date | None

    @property
    def left(self) -> bool:
        return self.leaving_date is not None


@dataclass
class PersonForm:
    """What a person can be given or changed by hand."""

    kind: PersonKind
    forename: str
    surname: str
    preferred_name: str = ""
    date_of_birth: date | None = None
    upn: str = ""
    mis_id: str = ""
    year_group: str = ""
    class_name: str = ""
    send: bool = False
    eal: bool = False
    looked_after: bool = False
    role: str = ""
    email: str = ""
    phone: str = ""
    laptop_asset_tag: str = ""
    organisation: str = ""
    start_date: date | None = None


@dataclass(frozen=True)
class LinkedPerson:
    id: int
    name: str
    kind: PersonKind
    relationship: str
    parental_responsibility: bool


@dataclass(frozen=True)
class PersonDetails:
    id: int
    name: str
    form: PersonForm
    leaving_date: date | None
    destination: str | None
    possible_leaver_since: date | None
    links: list[LinkedPerson]


@open_to_every_role("every role looks people up")
def list_people(signed_in: SignedIn, *, include_left: bool = True) -> list[PersonRow]:
    with signed_in.database.reading() as session:
        query = (
            select(Person)
            .where(Person.in_register.is_(True))
            .order_by(Person.surname, Person.forename)
        )
        if not include_left:
            query = query.where(Person.leaving_date.is_(None))
        return [_row(p) for p in session.scalars(query)]


@open_to_every_role("every role looks people up (each look is audited)")
def person_details(signed_in: SignedIn, person_id: int) -> PersonDetails:
    """A person's whole record; looking is recorded in the audit log."""
    with signed_in.database.transaction() as session:
        person = _get(session, person_id)
        links = _links(session, person)
        signed_in.record(session, "person.viewed", subject_type="person", subject_id=person.id)
        return PersonDetails(
            id=person.id,
            name=display_name(person.forename, person.surname, person.preferred_name),
            form=_form(person),
            leaving_date=person.leaving_date,
            destination=person.destination,
            possible_leaver_since=person.possible_leaver_since,
            links=links,
        )


def add_person(signed_in: SignedIn, form: PersonForm) -> int:
    signed_in.require(Permission.MANAGE_PEOPLE)
    clean = _checked(form, signed_in.clock.today())
    with signed_in.database.transaction() as session:
        person = _insert(session, clean, signed_in.clock.utc_now())
        signed_in.record(
            session,
            "person.created",
            subject_type="person",
            subject_id=person.id,
            details={"kind": clean.kind.value},
        )
        return person.id


def add_people(
    signed_in: SignedIn,
    forms: list[PersonForm],
    links: Sequence[tuple[int, int, str, bool]] = (),
) -> list[int]:
    """Add many people at once (all or none), with parent links given as
    (index of the new parent in ``forms``, id of a pupil, relationship, responsibility)."""
    signed_in.require(Permission.MANAGE_PEOPLE)
    today, now = signed_in.clock.today(), signed_in.clock.utc_now()
    cleaned = [_checked(f, today) for f in forms]
    with signed_in.database.transaction() as session:
        made = [_insert(session, clean, now) for clean in cleaned]
        for parent, pupil_id, relationship, responsibility in links:
            session.add(
                PersonLink(
                    parent_id=made[parent].id,
                    pupil_id=pupil_id,
                    relationship=relationship,
                    parental_responsibility=responsibility,
                )
            )
        signed_in.record(
            session, "people.added", details={"people": len(made), "links": len(links)}
        )
        return [p.id for p in made]


def update_person(signed_in: SignedIn, person_id: int, form: PersonForm) -> None:
    signed_in.require(Permission.MANAGE_PEOPLE)
    clean = _checked(form, signed_in.clock.today())
    with signed_in.database.transaction() as session:
        person = _get(session, person_id)
        _refuse_duplicates(session, clean, person.id)
        before = _form(person)
        changed = [
            f.name for f in fields(PersonForm) if getattr(before, f.name) != getattr(clean, f.name)
        ]
        if not changed:
            return
        _apply(person, clean)
        person.updated_at = signed_in.clock.utc_now()
        signed_in.record(
            session,
            "person.changed",
            subject_type="person",
            subject_id=person.id,
            details={"fields": changed},
        )


def mark_left(
    signed_in: SignedIn, person_id: int, leaving_date: date, destination: str = ""
) -> None:
    """The person has left: they stay in every record, shown as left."""
    signed_in.require(Permission.MANAGE_PEOPLE)
    with signed_in.database.transaction() as session:
        person = _get(session, person_id)
        if person.start_date and leaving_date < person.start_date:
            raise InvalidInput("The leaving date is before the start date.")
        person.leaving_date = leaving_date
        person.destination = destination.strip() or None
        person.possible_leaver_since = None
        person.updated_at = signed_in.clock.utc_now()
        signed_in.record(
            session,
            "person.left",
            subject_type="person",
            subject_id=person.id,
            details={"leaving_date": leaving_date.isoformat()},
        )


def keep_on_roll(signed_in: SignedIn, person_id: int) -> None:
    """A possible leaver (missing from the last full-roll import) is still at the school."""
    signed_in.require(Permission.MANAGE_PEOPLE)
    with signed_in.database.transaction() as session:
        person = _get(session, person_id)
        if person.possible_leaver_since is None:
            return
        person.possible_leaver_since = None
        signed_in.record(
            session, "person.kept_on_roll", subject_type="person", subject_id=person.id
        )


def link_parent(
    signed_in: SignedIn,
    *,
    parent_id: int,
    pupil_id: int,
    relationship: str,
    parental_responsibility: bool,
) -> None:
    signed_in.require(Permission.MANAGE_PEOPLE)
    relationship = relationship.strip()
    if not relationship:
        raise InvalidInput("Say how they are related (for example Mother or Foster carer).")
    with signed_in.database.transaction() as session:
        parent, pupil = _get(session, parent_id), _get(session, pupil_id)
        if parent.kind != PersonKind.PARENT or pupil.kind != PersonKind.PUPIL:
            raise InvalidInput("A link joins a parent or carer to a pupil.")
        link = session.scalar(
            select(PersonLink).where(
                PersonLink.parent_id == parent_id, PersonLink.pupil_id == pupil_id
            )
        )
        if link is None:
            link = PersonLink(parent_id=parent_id, pupil_id=pupil_id)
            session.add(link)
        link.relationship = relationship
        link.parental_responsibility = parental_responsibility
        session.flush()
        signed_in.record(
            session,
            "person.linked",
            subject_type="person",
            subject_id=pupil_id,
            details={"parent": parent_id, "relationship": relationship},
        )


# -- helpers ------------------------------------------------------------------------------


def _get(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None or not person.in_register:
        raise InvalidInput("That person is not in the register.")
    return person


def _row(p: Person) -> PersonRow:
    kind = PersonKind(p.kind)
    detail = {
        PersonKind.STAFF: p.role or "",
        PersonKind.VISITOR: p.organisation or "",
        PersonKind.PARENT: p.role or "",
    }.get(kind, "")
    return PersonRow(
        id=p.id,
        kind=kind,
        name=display_name(p.forename, p.surname, p.preferred_name),
        surname=p.surname,
        forename=p.forename,
        year_group=p.year_group,
        class_name=p.class_name,
        send=p.send,
        eal=p.eal,
        looked_after=p.looked_after,
        leaving_date=p.leaving_date,
        possible_leaver=p.possible_leaver_since is not None,
        detail=detail,
        upn=p.upn,
        mis_id=p.mis_id,
        date_of_birth=p.date_of_birth,
    )


def _form(p: Person) -> PersonForm:
    return PersonForm(
        kind=PersonKind(p.kind),
        forename=p.forename,
        surname=p.surname,
        preferred_name=p.preferred_name or "",
        date_of_birth=p.date_of_birth,
        upn=p.upn or "",
        mis_id=p.mis_id or "",
        year_group=p.year_group or "",
        class_name=p.class_name or "",
        send=p.send,
        eal=p.eal,
        looked_after=p.looked_after,
        role=p.role or "",
        email=p.email or "",
        phone=p.phone or "",
        laptop_asset_tag=p.laptop_asset_tag or "",
        organisation=p.organisation or "",
        start_date=p.start_date,
    )


def _links(session: Session, person: Person) -> list[LinkedPerson]:
    links = session.scalars(
        select(PersonLink).where(
            or_(PersonLink.parent_id == person.id, PersonLink.pupil_id == person.id)
        )
    ).all()
    result = []
    for link in links:
        other = session.get(
            Person, link.pupil_id if link.parent_id == person.id else link.parent_id
        )
        if other is None:
            continue
        result.append(
            LinkedPerson(
                id=other.id,
                name=display_name(other.forename, other.surname, other.preferred_name),
                kind=PersonKind(other.kind),
                relationship=link.relationship,
                parental_responsibility=link.parental_responsibility,
            )
        )
    return sorted(result, key=lambda lp: lp.name)


def _checked(form: PersonForm, today: date) -> PersonForm:
    forename, surname = form.forename.strip(), form.surname.strip()
    if not forename or not surname:
        raise InvalidInput("Type the person's forename and surname (full names, not initials).")
    upn = normalise_upn(form.upn)
    if upn:
        problem = upn_problem(upn)
        if problem:
            raise InvalidInput(f"The UPN cannot be saved: {problem}.")
    year = ""
    if form.year_group.strip():
        try:
            year = normalise_year_group(form.year_group) or ""
        except ValueError:
            raise InvalidInput(f"{form.year_group!r} is not a year group.") from None
    if form.kind == PersonKind.PUPIL and form.date_of_birth is None:
        raise InvalidInput("A pupil needs a date of birth.")
    if form.date_of_birth and form.date_of_birth > today:
        raise InvalidInput("The date of birth is in the future.")
    return PersonForm(
        kind=form.kind,
        forename=forename,
        surname=surname,
        preferred_name=form.preferred_name.strip(),
        date_of_birth=form.date_of_birth,
        upn=upn,
        mis_id=form.mis_id.strip(),
        year_group=year,
        class_name=form.class_name.strip(),
        send=form.send,
        eal=form.eal,
        looked_after=form.looked_after,
        role=form.role.strip(),
        email=form.email.strip(),
        phone=form.phone.strip(),
        laptop_asset_tag=form.laptop_asset_tag.strip(),
        organisation=form.organisation.strip(),
        start_date=form.start_date,
    )


def _refuse_duplicates(session: Session, form: PersonForm, own_id: int | None) -> None:
    if form.upn:
        holder = session.scalar(select(Person).where(Person.upn == form.upn))
        if holder is not None and holder.id != own_id:
            raise InvalidInput(
                f"The UPN {form.upn} already belongs to {holder.forename} {holder.surname}."
            )
    if form.mis_id:
        holder = session.scalar(
            select(Person).where(Person.kind == form.kind.value, Person.mis_id == form.mis_id)
        )
        if holder is not None and holder.id != own_id:
            raise InvalidInput(
                f"The MIS id {form.mis_id} already belongs to {holder.forename} {holder.surname}."
            )


def _insert(session: Session, form: PersonForm, now: datetime) -> Person:
    _refuse_duplicates(session, form, None)
    person = Person(created_at=now, updated_at=now)
    _apply(person, form)
    session.add(person)
    session.flush()
    return person


def _apply(person: Person, form: PersonForm) -> None:
    person.kind = form.kind.value
    person.forename = form.forename
    person.surname = form.surname
    person.preferred_name = form.preferred_name or None
    person.date_of_birth = form.date_of_birth
    person.upn = form.upn or None
    person.mis_id = form.mis_id or None
    person.year_group = form.year_group or None
    person.class_name = form.class_name or None
    person.send = form.send
    person.eal = form.eal
    person.looked_after = form.looked_after
    person.role = form.role or None
    person.email = form.email or None
    person.phone = form.phone or None
    person.laptop_asset_tag = form.laptop_asset_tag or None
    person.organisation = form.organisation or None
    person.start_date = form.start_date

"""The demo school's register: pupils through the MIS import, then staff, visitors, parents and
the Year 6 classes that have left; and finding the person a demo file names."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from esafety_desktop.demo.files import DemoDataError, Fields
from esafety_desktop.domain.invented_people import (
    FIRST_NAMES,
    PRIMARY_YEARS,
    STAFF_ROLES,
    SURNAMES,
    invented_pupils,
    pupil_csv,
)
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.domain.school_year import year_group_then
from esafety_desktop.services import people
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.people_import import apply_import, open_table, plan_import

if TYPE_CHECKING:
    from esafety_desktop.demo.school import DemoSchool

NAMES_SEED = 11  # the invented staff and parents are the same every time
LAPTOP_JOBS = ("Class teacher", "SENCo")
RELATIONSHIPS = ("Mother", "Father", "Mother", "Carer", "Grandparent")  # drawn at random
NO_PARENTAL_RESPONSIBILITY = ("Carer",)


@dataclass(frozen=True)
class PersonKey:
    """How a demo file names someone: a pupil by the year group they were in on a day and
    their place in it (1: the first by surname), or a member of staff by job or by name."""

    year: str | None = None
    place: int = 0
    job: str | None = None
    name: str | None = None
    where: str = ""  # the file and place that named them, for messages

    @classmethod
    def read(cls, fields: Fields) -> PersonKey:
        """From ``year`` and ``place``, ``job`` or ``name`` (the caller reads the rest)."""
        given = [k for k in ("year", "job", "name") if fields.has(k)]
        if len(given) != 1:
            raise fields.problem("name the person by one of: year and place, job, or name")
        if given[0] == "job":
            return cls(job=fields.text("job"), where=fields.where)
        if given[0] == "name":
            return cls(name=fields.text("name"), where=fields.where)
        key = cls(year=fields.text("year"), place=fields.number("place"), where=fields.where)
        if key.place < 1:
            raise fields.problem("place counts from 1 (the first pupil by surname)")
        return key

    def find(self, everyone: list[people.PersonRow], on: date, today: date) -> int:
        """The person's id; a pupil's year group ``on`` the day is worked out from theirs
        ``today`` (or on the day they left)."""
        staff = [r for r in everyone if r.kind is PersonKind.STAFF]
        if self.name is not None:
            found = [r.id for r in staff if r.name == self.name]
            what = f"no member of staff is called {self.name!r}"
        elif self.job is not None:
            found = [r.id for r in staff if r.detail == self.job]
            what = f"no member of staff has the job {self.job!r}"
        else:
            found = [
                r.id
                for r in everyone
                if r.kind is PersonKind.PUPIL
                and year_group_then(r.year_group, min(r.leaving_date or today, today), on)
                == self.year
            ]
            what = f"there are {len(found)} pupils in year {self.year} on {on:%d/%m/%Y}"
        index = self.place - 1 if self.year is not None else 0
        if index >= len(found):
            raise DemoDataError(f"{self.where}: {what}")
        return found[index]


def add_register(me: SignedIn, school: DemoSchool) -> None:
    """Pupils through the MIS import, then staff, visitors and parents in one go, then the
    classes that have left."""
    table, mapping = open_table(pupil_csv(invented_pupils(school.pupils, PRIMARY_YEARS)))
    plan = plan_import(me, table, mapping, file_name=school.roll_file_name, full_roll=True)
    apply_import(me, plan, skip_rows=set())

    chance = random.Random(NAMES_SEED)
    forms = [
        people.PersonForm(
            PersonKind.STAFF,
            chance.choice(FIRST_NAMES),
            chance.choice(SURNAMES),
            role=role,
            email=f"staff{n + 1}@oakfield.example",
            laptop_asset_tag=f"OAK-LT-{n + 1:03d}" if role in LAPTOP_JOBS else "",
            start_date=date(2015 + n % 10, 9, 1),
        )
        for n, role in enumerate(STAFF_ROLES * 2)
    ]
    for account in school.accounts:  # the account holders are staff too
        forename, surname = account.name.split()
        forms.append(
            people.PersonForm(PersonKind.STAFF, forename, surname, role=account.role.label)
        )
    for name, organisation in school.visitors:
        forename, surname = name.split()
        forms.append(
            people.PersonForm(PersonKind.VISITOR, forename, surname, organisation=organisation)
        )
    links: list[tuple[int, int, str, bool]] = []
    pupils = [r for r in people.list_people(me) if r.kind is PersonKind.PUPIL]
    for n, pupil in enumerate(pupils[: school.parents]):
        relationship = chance.choice(RELATIONSHIPS)
        responsible = relationship not in NO_PARENTAL_RESPONSIBILITY
        links.append((len(forms), pupil.id, relationship, responsible))
        forms.append(
            people.PersonForm(
                PersonKind.PARENT,
                chance.choice(FIRST_NAMES),
                pupil.surname,
                role=relationship,
                phone=f"01632 96{n % 10}{chance.randrange(1000):03d}",
            )
        )
    people.add_people(me, forms, links)
    _add_leavers(me, school)


def _add_leavers(me: SignedIn, school: DemoSchool) -> None:
    for leavers in school.leavers:
        left_on = leavers.left_on
        made = invented_pupils(
            2 * leavers.pupils, ("6",), school_year_start=left_on.year - 1, seed=left_on.year
        )
        cohort = list({(p.forename, p.surname): p for p in made}.values())[: leavers.pupils]
        forms = [
            people.PersonForm(
                PersonKind.PUPIL,
                p.forename,
                p.surname,
                preferred_name=p.preferred_name,
                date_of_birth=p.date_of_birth,
                upn=p.upn,
                mis_id=p.mis_id,
                year_group=p.year_group,
                class_name=p.class_name,
                send=p.send,
                eal=p.eal,
                start_date=date(left_on.year - 7, 9, 3),
            )
            for p in cohort
        ]
        for person_id in people.add_people(me, forms):
            people.mark_left(me, person_id, left_on, leavers.destination)

"""The demo school: an invented school a newcomer can open and look round.

Everything in it is made up. Its accounts use password-only key slots (the choice is in its
audit log) so it opens on any PC, keyring or not, and its sign-in is shown on the unlock screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from esafety_desktop.domain.contacts import LOCAL_CONTACTS
from esafety_desktop.domain.roles import Role

if TYPE_CHECKING:
    from esafety_desktop.services.access import SignedIn

DEMO_SCHOOL_NAME = "Oakfield Primary School (demo)"
DEMO_USERNAME = "demo.dsl"
# Invented school, invented records: its password is printed openly on purpose.
DEMO_PASSWORD = "Demo-Oakfield-2026"  # noqa: S105
DEMO_DISPLAY_NAME = "Alex Morgan"

# Ofcom reserves 01632 960000-960999 for drama: none of these numbers can ring anyone.
_DEMO_CONTACTS = {
    "police_local": ("Anyshire Police schools officer", "01632 960101", ""),
    "mash": ("Anyshire MASH", "01632 960202", "mash@anyshire.example"),
    "lado": ("Anyshire LADO", "01632 960303", "lado@anyshire.example"),
    "la_safeguarding": ("Anyshire education safeguarding team", "01632 960404", ""),
    "prevent": ("Anyshire Prevent lead", "01632 960505", "prevent@anyshire.example"),
}

_DEMO_STAFF = [
    ("s.patel", "Sam Patel", Role.DEPUTY_DSL),
    ("c.evans", "Chris Evans", Role.HEADTEACHER),
    ("j.lee", "Jordan Lee", Role.ONLINE_SAFETY_LEAD),
]


DEMO_PUPILS = 200


def _add_demo_people(me: SignedIn) -> None:
    """200 pupils through the MIS import, then staff, visitors and parents in one go."""
    import random
    from datetime import date

    from esafety_desktop.domain.invented_people import (
        FIRST_NAMES,
        PRIMARY_YEARS,
        STAFF_ROLES,
        SURNAMES,
        invented_pupils,
        pupil_csv,
    )
    from esafety_desktop.domain.people import PersonKind
    from esafety_desktop.services import people
    from esafety_desktop.services.people_import import apply_import, open_table, plan_import

    table, mapping = open_table(pupil_csv(invented_pupils(DEMO_PUPILS, PRIMARY_YEARS)))
    plan = plan_import(me, table, mapping, file_name="oakfield-roll.csv", full_roll=True)
    apply_import(me, plan, skip_rows=set())

    chance = random.Random(11)
    forms = [
        people.PersonForm(
            PersonKind.STAFF,
            chance.choice(FIRST_NAMES),
            chance.choice(SURNAMES),
            role=role,
            email=f"staff{n + 1}@oakfield.example",
            laptop_asset_tag=f"OAK-LT-{n + 1:03d}" if role in ("Class teacher", "SENCo") else "",
            start_date=date(2015 + n % 10, 9, 1),
        )
        for n, role in enumerate(STAFF_ROLES * 2)
    ]
    for _username, name, role in _DEMO_STAFF:  # the account holders are staff too
        forename, surname = name.split()
        forms.append(people.PersonForm(PersonKind.STAFF, forename, surname, role=role.label))
    for name, organisation in _DEMO_VISITORS:
        forename, surname = name.split()
        forms.append(
            people.PersonForm(PersonKind.VISITOR, forename, surname, organisation=organisation)
        )
    links: list[tuple[int, int, str, bool]] = []
    pupils = [r for r in people.list_people(me) if r.kind is PersonKind.PUPIL]
    for n, pupil in enumerate(pupils[:140]):
        relationship = chance.choice(("Mother", "Father", "Mother", "Carer", "Grandparent"))
        links.append((len(forms), pupil.id, relationship, relationship != "Carer"))
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
    _add_demo_leavers(me)


DEMO_LEAVERS = {date(2025, 7, 22): 28, date(2026, 7, 21): 28}  # Year 6 leaving, and how many


def _add_demo_leavers(me: SignedIn) -> None:
    """The two Year 6 classes that left for secondary school: older cases are about them."""
    from esafety_desktop.domain.invented_people import invented_pupils
    from esafety_desktop.domain.people import PersonKind
    from esafety_desktop.services import people

    for left_on, count in DEMO_LEAVERS.items():
        made = invented_pupils(
            2 * count, ("6",), school_year_start=left_on.year - 1, seed=left_on.year
        )
        cohort = list({(p.forename, p.surname): p for p in made}.values())[:count]
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
            people.mark_left(me, person_id, left_on, "Anyshire Academy (secondary)")


def _add_demo_incidents(me: SignedIn, path: Path) -> None:
    """The invented cases; the headteacher's account signs some of them off."""
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.services.demo_cases import HEAD, add_demo_cases
    from esafety_desktop.storage.device_secret import DeviceSecretStore

    username = next(u for u, name, _ in _DEMO_STAFF if name == HEAD)
    head = sign_in(path, username, DEMO_PASSWORD, DeviceSecretStore())
    try:
        add_demo_cases(me, head)
    finally:
        head.sign_out()


def _add_demo_transfers(me: SignedIn) -> None:
    """Files of two leavers with cases: one confirmed received, one still waiting; and the
    policy's review date."""
    from datetime import timedelta

    from esafety_desktop.services import incidents, reports, transfers
    from esafety_desktop.services.access import pretending_it_is

    leavers = []
    for case in reversed(incidents.list_incidents(me)):
        for person in case.involved:
            details = person.person_id
            if person.year_group and person.person_id not in leavers:
                leavers.append(details)
    from esafety_desktop.services.people import list_people

    left = {r.id: r for r in list_people(me) if r.left}
    # One leaver from each year: the older file was confirmed, the newer one is waiting.
    by_year = {left[i].leaving_date: i for i in leavers if i in left}
    with_cases = [by_year[day] for day in sorted(d for d in by_year if d is not None)][:2]
    for number, person_id in enumerate(with_cases):
        leaving = left[person_id].leaving_date
        assert leaving is not None
        sent_on = date(leaving.year, 9, 8)
        with pretending_it_is(datetime_at(sent_on)):
            transfer = transfers.record_transfer(
                me, person_id, "Anyshire Academy", sent_on, "Secure electronic transfer"
            )
        if number == 0:
            confirmed = sent_on + timedelta(days=2)
            with pretending_it_is(datetime_at(confirmed)):
                transfers.confirm_receipt(me, transfer, confirmed, "R. Okafor, DSL")
    reports.set_policy_review_date(me, date(2026, 12, 11))


def datetime_at(day: date) -> datetime:
    from datetime import UTC, time

    return datetime.combine(day, time(11, 0)).astimezone(UTC).replace(tzinfo=None)


_DEMO_VISITORS = (
    ("Mo Ferris", "Anyshire Library (community user)"),
    ("Val Ortiz", "Oakfield Parish Council"),
    ("Ike Nolan", "Anyshire Music Service"),
    ("Bea Quinn", "Student teacher, Anyshire University"),
)


@dataclass(frozen=True)
class DemoSignIn:
    path: Path
    username: str = DEMO_USERNAME
    password: str = DEMO_PASSWORD


def build_demo_school(path: Path) -> DemoSignIn:
    """Create the demo school at ``path`` (which must not exist yet)."""
    # Imported here: the sign-in window reads the constants above before SQLAlchemy loads.
    from esafety_desktop.services import accounts, settings
    from esafety_desktop.services.access import create_school
    from esafety_desktop.services.checks import verify_open_database
    from esafety_desktop.storage.device_secret import DeviceSecretStore

    new = create_school(
        path,
        school_name=DEMO_SCHOOL_NAME,
        username=DEMO_USERNAME,
        display_name=DEMO_DISPLAY_NAME,
        password=DEMO_PASSWORD,
        device_secrets=DeviceSecretStore(),
        password_only=True,
        first_settings={"pupil_word": "pupil"},
    )
    me = new.signed_in
    try:
        contacts = [
            c.updated(
                name=_DEMO_CONTACTS[c.key][0],
                phone=_DEMO_CONTACTS[c.key][1],
                email=_DEMO_CONTACTS[c.key][2],
            )
            for c in LOCAL_CONTACTS
        ]
        settings.set_contacts(me, contacts)
        for username, name, role in _DEMO_STAFF:
            accounts.add_account(
                me, username=username, display_name=name, role=role, password=DEMO_PASSWORD
            )
        settings.confirm_recovery_sheet(me, "printed")
        _add_demo_people(me)
        _add_demo_incidents(me, path)
        from esafety_desktop.services.demo_agreements import add_demo_agreements

        add_demo_agreements(me)
        _add_demo_transfers(me)
        verify_open_database(me)
        from esafety_desktop.services.backups import BY_HAND, back_up

        back_up(me, BY_HAND)  # so Settings › Backups and the restore wizard have one to show
    finally:
        me.sign_out()
    return DemoSignIn(path=Path(path))

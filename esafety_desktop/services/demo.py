"""The demo school: an invented school a newcomer can open and look round.

Everything in it is made up. Its accounts use password-only key slots (the choice is in its
audit log) so it opens on any PC, keyring or not, and its sign-in is shown on the unlock screen.
"""

from __future__ import annotations

from dataclasses import dataclass
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


def _type_label(incident_type: str) -> str:
    from esafety_desktop.services.incidents import shipped_flowchart

    return shipped_flowchart().incident_types()[incident_type]


def _add_demo_incidents(me: SignedIn) -> None:
    """Invented cases along several branches of the flowchart, over the last school year."""
    from datetime import datetime

    from esafety_desktop.domain.incidents import Location, PersonRole, WalkStep
    from esafety_desktop.domain.people import PersonKind
    from esafety_desktop.services import incidents, people

    pupils = [r for r in people.list_people(me) if r.kind is PersonKind.PUPIL]
    staff = [r for r in people.list_people(me) if r.kind is PersonKind.STAFF]
    dsl = DEMO_DISPLAY_NAME
    ending = [
        WalkStep("record"),
        WalkStep("debrief", done_by=dsl, outcome="Debrief with the class teacher"),
        WalkStep("review_policies", done_by=dsl, outcome="No change to the policy needed"),
        WalkStep("implement_changes", done_by=dsl, outcome="Reminder to staff at briefing"),
        WalkStep("monitor"),
    ]
    start = [
        WalkStep("report"),
        WalkStep("immediate_risk", choice="No", reasons="Child safe in school."),
    ]
    cases = [
        (
            datetime(2026, 1, 14, 10, 20),
            "Teaching assistant",
            "Two Year 6 pupils said a group chat was being used to mock a classmate's photo.",
            "They keep putting laughing faces on my picture.",
            [(pupils[5].id, PersonRole.TARGET), (pupils[12].id, PersonRole.ALLEGED_PERPETRATOR)],
            [
                *start,
                WalkStep(
                    "incident_type", choice="Cyberbullying", reasons="Repeated unkind messages"
                ),
                WalkStep(
                    "bullying_evidence", done_by=dsl, outcome="Screenshots kept by the parent"
                ),
                WalkStep(
                    "strategy_meeting", done_by=dsl, outcome="Restorative meeting; parents told"
                ),
                WalkStep("device_review_needed", choice="No", reasons="Evidence already held."),
                *ending,
            ],
        ),
        (
            datetime(2026, 3, 3, 13, 5),
            "Class teacher",
            "A Year 4 pupil reached a gambling site on a class laptop during a research task.",
            "It just came up when I searched for the football.",
            [(pupils[20].id, PersonRole.TARGET)],
            [
                *start,
                WalkStep(
                    "incident_type",
                    choice=_type_label("filtering"),
                    reasons="Site should have been blocked",
                ),
                WalkStep(
                    "filtering_record", done_by=dsl, outcome="Address blocked by the technician"
                ),
                WalkStep(
                    "filtering_illegal",
                    choice="No",
                    reasons="Gambling adverts, not illegal content.",
                ),
                WalkStep(
                    "strategy_meeting", done_by=dsl, outcome="Filtering rule added; parents told"
                ),
                WalkStep("device_review_needed", choice="No", reasons="Filtering logs are enough."),
                *ending,
            ],
        ),
        (
            datetime(2026, 5, 19, 9, 40),
            "Office manager",
            "A Year 5 pupil used another pupil's login to change their class blog posts.",
            "",
            [(pupils[33].id, PersonRole.ALLEGED_PERPETRATOR), (pupils[40].id, PersonRole.TARGET)],
            [
                *start,
                WalkStep(
                    "incident_type",
                    choice="Misuse of school systems by a pupil",
                    reasons="Used someone else's account (C2)",
                ),
                WalkStep(
                    "misuse_grid", done_by=dsl, outcome="C2 first incident: pastoral detention"
                ),
                WalkStep(
                    "device_review_needed",
                    choice="No",
                    reasons="The blog history shows what changed.",
                ),
                *ending,
            ],
        ),
        (
            datetime(2026, 10, 8, 15, 30),
            staff[0].name if staff else "Class teacher",
            "A parent reported that an adult on a gaming app asked their Year 6 child to move to "
            "a private chat.",
            "He said he was 14 and wanted to be my friend.",
            [(pupils[47].id, PersonRole.TARGET)],
            [
                *start,
                WalkStep(
                    "incident_type",
                    choice=_type_label("exploitation"),
                    reasons="Adult contact, possible grooming",
                ),
                WalkStep(
                    "exploitation_ceop",
                    done_by=dsl,
                    reference="CEOP-2026-1187",
                    outcome="Report made with the parent",
                ),
                WalkStep(
                    "exploitation_police",
                    done_by=dsl,
                    reference="AS-26-004512",
                    outcome="Police to contact the family",
                ),
                WalkStep(
                    "police_outcome",
                    choice="Still waiting for the police",
                    reasons="No response yet.",
                ),
                *ending,
            ],
        ),
    ]
    for reported_at, reported_by, summary, words, involved, walk in cases:
        incidents.record_incident(
            me,
            incidents.NewIncident(
                reported_by=reported_by,
                reported_at=reported_at,
                summary=summary,
                child_words=words,
                location=Location.ONLINE,
                people=involved,
                walk=walk,
            ),
        )


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
        _add_demo_incidents(me)
        verify_open_database(me)
    finally:
        me.sign_out()
    return DemoSignIn(path=Path(path))

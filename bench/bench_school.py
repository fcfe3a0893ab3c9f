"""The invented school every bench starts from (cheap key derivation: unlock cost is measured
in unlock_cost.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from esafety_desktop.services.access import SignedIn
    from esafety_desktop.storage.models import Person


def bench_school(folder: Path, name: str = "Bench High (invented)") -> SignedIn:
    from esafety_desktop.services.access import create_school
    from esafety_desktop.storage import keyslots
    from esafety_desktop.storage.device_secret import DeviceSecretStore

    # Signing in is not what these benches measure: Argon2 as cheap as the tests make it.
    keyslots.MINIMUM_KDF = keyslots.DEFAULT_KDF = keyslots.KdfParams(1, 8 * 1024, 1)
    return create_school(
        folder / "school.db",
        school_name=name,
        username="bench",
        display_name="Bench DSL",
        password="Kettle-Orchard-Lantern-42",
        device_secrets=DeviceSecretStore(),
        password_only=True,
    ).signed_in


WORDS = [
    "photos",
    "chat",
    "group",
    "message",
    "game",
    "app",
    "website",
    "blocked",
    "filter",
    "login",
    "password",
    "video",
    "call",
    "threat",
    "unkind",
    "laughing",
    "screenshot",
    "stranger",
    "account",
    "follow",
    "share",
    "delete",
    "report",
    "teacher",
]


def add_bulk_cases(me: SignedIn, count: int) -> None:
    """``count`` invented cases (two of 1,500 pupils each, eight steps), written straight into
    the database in bulk and indexed as the app indexes them."""
    import random
    from datetime import datetime, timedelta

    from esafety_desktop.domain.incidents import INCIDENT_TYPE_NAMES
    from esafety_desktop.domain.invented_people import FIRST_NAMES, SURNAMES
    from esafety_desktop.services import incidents
    from esafety_desktop.storage.models import Incident, IncidentEntry, IncidentPerson

    chance = random.Random(3)
    kinds = list(INCIDENT_TYPE_NAMES)
    now = datetime(2026, 11, 23)
    with me.database.transaction() as session:
        pupils = bulk_pupils(
            session,
            now,
            [(chance.choice(FIRST_NAMES), chance.choice(SURNAMES)) for _ in range(1500)],
        )
        for n in range(count):
            reported = now - timedelta(hours=n * 2)
            incident = Incident(
                reference=f"OS-B-{n:05d}",
                status="open",
                incident_type=chance.choice(kinds),
                branch="unsuitable",
                summary=" ".join(chance.choices(WORDS, k=14)),
                child_words=" ".join(chance.choices(WORDS, k=6)),
                reported_by="Bench teacher",
                reported_at=reported,
                created_by_id=me.account.id,
                created_at=reported,
            )
            session.add(incident)
            session.flush()
            for person, role in zip(chance.sample(pupils, 2), ("target", "witness"), strict=True):
                session.add(
                    IncidentPerson(
                        incident_id=incident.id,
                        person_id=person.id,
                        role=role,
                        year_group=person.year_group,
                    )
                )
            for step in range(8):
                session.add(
                    IncidentEntry(
                        incident_id=incident.id,
                        recorded_at=reported,
                        author_id=me.account.id,
                        author_name="Bench DSL",
                        kind="step",
                        title=f"Step {step}",
                        reasons=" ".join(chance.choices(WORDS, k=5)),
                        # said to be done, with what came of it (a step done with no outcome
                        # is what migration 0008 marks "not confirmed")
                        state="done",
                        done_by="Bench DSL",
                        outcome="Done",
                        text="",
                    )
                )
            session.flush()
            incidents._reindex(session, incident.id)


def bulk_pupils(session: Session, now: datetime, names: list[tuple[str, str]]) -> list[Person]:
    """Secondary pupils (Years 7 to 11 in turn) written straight in, one per name."""
    from esafety_desktop.storage.models import Person

    pupils = [
        Person(
            kind="pupil",
            forename=forename,
            surname=surname,
            year_group=str(7 + n % 5),
            class_name=f"{7 + n % 5}{'ABCDEF'[n // 5 % 6]}",  # 30 classes of 50
            created_at=now,
            updated_at=now,
        )
        for n, (forename, surname) in enumerate(names)
    ]
    session.add_all(pupils)
    session.flush()
    return pupils

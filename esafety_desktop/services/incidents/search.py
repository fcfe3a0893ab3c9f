"""Finding cases by the words typed. Each case keeps a search text of its facts, people and
chronology, rebuilt after every change to the case, so that searching as the user types stays
quick with thousands of cases."""

from __future__ import annotations

import re

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from esafety_desktop.domain.incidents import incident_type_name
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.restricted_cases import every_store
from esafety_desktop.storage.models import Incident, IncidentEntry, IncidentPerson, Person

SHORTEST_WORD = 2  # one letter matches nearly every case: searching starts at two


def search_words(words: str) -> list[str]:
    """The words a search looks for: two or more letters or digits each."""
    return [t for t in re.findall(r"\w+", words.lower()) if len(t) >= SHORTEST_WORD]


@open_to_every_role("the cases this account may see")
def search_incidents(signed_in: SignedIn, words: str) -> set[int]:
    """Ids of the visible cases whose facts, people or chronology contain every word typed
    (each word matched as a prefix, so typing "cyber" finds "cyberbullying")."""
    tokens = search_words(words)
    if not tokens:
        return set()
    query = " ".join(f'"{t}"*' for t in tokens)
    ids: set[int] = set()
    for session in every_store(signed_in):
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
        if found:
            ids |= set(map(int, found.split(","))) - {row[0] for row in hidden}
    return ids


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

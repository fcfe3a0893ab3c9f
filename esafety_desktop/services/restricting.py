"""Restricting a case that is already in the school database: it is moved into a seal of its
own and its plain rows (search text and people kept only with it included) are removed.

The move keeps the case's reference (it may be written on paper already) and everything in
its chronology; the audit entries written before the move stay as they were (they are
signed and chained: rewriting them would break the history), so they still show that the
case's reference was changed, viewed or printed, but not what it says. Copies of the database
taken before the move (backups) still hold the case in plain rows, under the school's key.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from esafety_desktop.domain.roles import Permission, Role
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.restricted_cases import state_of
from esafety_desktop.services.restricted_keys import (
    SUBJECT,
    commitment_details,
    next_number,
    wrap_all,
)
from esafety_desktop.storage.case_room import (
    CASE_SPAN,
    CASE_TABLES,
    FORMAT,
    case_rows,
    seal_document,
    search_text,
)
from esafety_desktop.storage.history import SEALED_AWAY
from esafety_desktop.storage.models import (
    Account,
    AuditEntry,
    Base,
    Incident,
    IncidentPerson,
    Person,
    SealedCase,
)

# The triggers that keep these tables append-only are lifted for the move, and put back.
_GUARDED = ("incident", "incident_entry", "evidence", "person")
DSL_ROLES = (Role.DSL, Role.DEPUTY_DSL)


def restrict_case(signed_in: SignedIn, incident_id: int, kept_from: list[int]) -> int:
    """Seal a case away from the accounts ``kept_from``; returns its new id (negative)."""
    signed_in.require(Permission.RESTRICT_CASES)
    if incident_id < 0:
        raise InvalidInput("This case is restricted already.")
    if signed_in.keys is None:
        raise InvalidInput("Restricting a case needs the school's keys for each account.")
    state = state_of(signed_in, writing=True)
    with signed_in.database.transaction() as school:
        incident = school.get(Incident, incident_id)
        if incident is None:
            raise InvalidInput("That incident does not exist.")
        about = [incident.concerns_account_id] if incident.concerns_account_id else []
        ids = sorted({*kept_from, *about})
        if not ids:
            raise InvalidInput("Choose the accounts this case is kept from.")
        if signed_in.account.id in ids:
            raise InvalidInput("A case cannot be kept from the account restricting it.")
        names = [n for n in school.scalars(select(Account.username).where(Account.id.in_(ids)))]
        number = _seal_away(state, school, signed_in, incident, names)
    state.room.versions.pop(number, None)
    state.refresh()
    return -number


@open_to_every_role("a DSL's sign-in; restrict_case checks RESTRICT_CASES")
def move_kept_from_cases(signed_in: SignedIn) -> int:
    """Cases kept from an account before restricted cases were sealed (upgraded databases)
    are moved into seals at a DSL's sign-in. Returns how many were moved."""
    if signed_in.account.role not in DSL_ROLES or signed_in.keys is None:
        return 0
    with signed_in.database.reading() as school:
        waiting = list(
            school.execute(
                select(Incident.id, Incident.concerns_account_id).where(
                    Incident.concerns_account_id.is_not(None)
                )
            )
        )
    moved = 0
    for incident_id, about in waiting:
        if about is None or about == signed_in.account.id:
            continue  # a case about this DSL: the other DSL's sign-in moves it
        restrict_case(signed_in, incident_id, [about])
        moved += 1
    return moved


def _seal_away(
    state: Any, school: Session, signed_in: SignedIn, incident: Incident, kept_from: list[str]
) -> int:
    row = SealedCase(id=next_number(school), version=1, sealed=b"", keys="{}")
    school.add(row)
    school.flush()
    number = row.id
    key = bytearray(secrets.token_bytes(32))
    wraps = wrap_all(signed_in, number, key, kept_from, {})
    if state.me not in wraps:
        raise InvalidInput("This account is not on the school's signed list of accounts.")
    tables = case_rows(school, incident.id)
    own_people = _people_only_here(school, incident.id)
    tables["person"] = _encoded_people(school, own_people) if own_people else []
    renumbered = _renumber(tables, incident.id, number)
    history = [
        {
            "at": e.occurred_at,
            "actor": e.actor_name,
            "action": e.action,
            "details": json.loads(e.details) if e.details else None,
        }
        for e in school.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == "incident", AuditEntry.subject_id == str(incident.id))
            .order_by(AuditEntry.sequence)
        )
    ]
    history.append(
        {
            "at": signed_in.clock.utc_now().isoformat(),
            "actor": signed_in.account.display_name,
            "account": signed_in.account.username,
            "action": "incident.restricted",
            "details": {"kept_from": kept_from},
        }
    )
    document = {
        "format": FORMAT,
        "kept_from": sorted(kept_from),
        "changes": 0,
        "tables": renumbered,
        "search": search_text(school, incident.id),
        "history": history,
    }
    database_id = signed_in.database.database_id
    row.sealed = seal_document(key, database_id, number, document)
    row.keys = json.dumps(wraps, sort_keys=True)
    _remove_plain_rows(school, incident, own_people)
    # The first entry about the case: it commits to its key and whom it is kept from.
    signed_in.record(
        school,
        SEALED_AWAY,
        subject_type=SUBJECT,
        subject_id=number,
        details=commitment_details(key, kept_from),
    )
    return number


def _people_only_here(school: Session, incident_id: int) -> list[int]:
    """People kept only with this case (added from its wizard, not on the register)."""
    linked = select(IncidentPerson.person_id).where(IncidentPerson.incident_id == incident_id)
    candidates = list(
        school.scalars(
            select(Person.id).where(Person.id.in_(linked), Person.in_register.is_(False))
        )
    )
    only: list[int] = []
    for person_id in candidates:
        elsewhere = school.scalar(
            select(func.count())
            .select_from(IncidentPerson)
            .where(IncidentPerson.person_id == person_id, IncidentPerson.incident_id != incident_id)
        )
        if not elsewhere:
            only.append(person_id)
    return only


def _encoded_people(school: Session, ids: list[int]) -> list[dict[str, Any]]:
    from esafety_desktop.storage.case_room import _encode

    table = Base.metadata.tables[Person.__tablename__]
    return [_encode(table, r) for r in school.execute(select(table).where(table.c.id.in_(ids)))]


def _renumber(
    tables: dict[str, list[dict[str, Any]]], incident_id: int, number: int
) -> dict[str, list[dict[str, Any]]]:
    """The case's rows with room ids (storage/case_room.py): the case ``-number``, the rest in
    its span, links between them kept."""
    span = -number * CASE_SPAN
    people = {p["id"]: span - 1 - i for i, p in enumerate(tables.get("person", []))}
    out: dict[str, list[dict[str, Any]]] = {}
    entry_ids: dict[int, int] = {}
    for model in CASE_TABLES:
        name = model.__tablename__
        rows = tables.get(name, [])
        new_ids = {r["id"]: span - 1 - i for i, r in enumerate(rows)}
        if name == "incident_entry":
            entry_ids = new_ids
        out[name] = [{**r, "id": new_ids[r["id"]], "incident_id": -number} for r in rows]
    for entry in out.get("incident_entry", []):
        if entry.get("corrects_id") is not None:
            entry["corrects_id"] = entry_ids.get(entry["corrects_id"], entry["corrects_id"])
    for link in out.get("incident_person", []):
        link["person_id"] = people.get(link["person_id"], link["person_id"])
    out["person"] = [{**p, "id": people[p["id"]]} for p in tables.get("person", [])]
    out["incident"] = [{**r, "id": -number} for r in tables.get("incident", [])]
    assert all(
        r["incident_id"] == -number
        for name in out
        if name not in ("person", "incident")
        for r in out[name]
    )
    del incident_id
    return out


def _remove_plain_rows(school: Session, incident: Incident, own_people: list[int]) -> None:
    """Delete the case's plain rows through the ORM (so each is sealed as removed, on this
    transaction's entry), with the append-only triggers lifted for the move and put back."""
    connection = school.connection()
    triggers = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
        f"({', '.join('?' for _ in _GUARDED)})",
        _GUARDED,
    ).all()
    connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # corrections point at entries
    for name, _sql in triggers:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    for model in CASE_TABLES:
        for row in school.scalars(select(model).where(model.incident_id == incident.id)):  # type: ignore[attr-defined]
            school.delete(row)
    for person_id in own_people:
        school.delete(school.get(Person, person_id))
    school.delete(incident)
    school.flush()
    school.execute(text("DELETE FROM incident_search WHERE rowid = :id"), {"id": incident.id})
    # Merge the index's segments, so the words deleted leave no trace in its b-trees.
    school.execute(text("INSERT INTO incident_search (incident_search) VALUES ('optimize')"))
    for _name, sql in triggers:
        connection.exec_driver_sql(sql)

"""A case's chronology, append-only so that the record can be trusted: notes and corrections
are new entries; a correction keeps the original with who, when and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents._common import (
    _case_changed,
    _entry,
    _local,
    _visible_incident,
)
from esafety_desktop.storage.models import IncidentEntry


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
        now = signed_in.clock.utc_now()
        session.add(_entry(signed_in, incident.id, now, kind="note", title="Note", text=text))
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
                signed_in.clock.utc_now(),
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

"""A case's chronology, append-only so that the record can be trusted: notes and corrections
are new entries; a correction keeps the original with who, when and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from esafety_desktop.domain.flowchart import REFERENCES
from esafety_desktop.domain.incidents import StepState
from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents._common import (
    _case_changed,
    _entry,
    _local,
    _visible_incident,
)
from esafety_desktop.services.incidents.plan import references_of
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.restricted_cases import store_for
from esafety_desktop.storage.models import IncidentEntry


def _happened(entry: IncidentEntry) -> datetime | None:
    """When a step was done, shown only where it differs from when it was recorded."""
    if entry.happened_at is None:
        return None
    if abs((entry.recorded_at - entry.happened_at).total_seconds()) < 60:
        return None
    return _local(entry.happened_at)


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
    state: StepState | None = None  # an action step: done, to do, not needed (not confirmed)
    happened_at: datetime | None = None  # when it was done, where that differs from recorded_at
    owner: str = ""  # a step to do: who will do it
    due: date | None = None
    references: tuple[tuple[str, str], ...] = ()  # (what it is, the number)

    def lines(self) -> list[str]:
        """What the entry says, line by line, as the case view and the printed record show it
        (the title and who recorded it apart)."""
        state = ""
        if self.state is StepState.DONE:
            state = "Done" + (f" by {self.done_by}" if self.done_by else "")
            if self.happened_at is not None:
                state += f" on {self.happened_at:%d/%m/%Y at %H:%M}"
        elif self.state is StepState.TO_DO:
            state = f"To do: {self.owner}" + (f", by {self.due:%d/%m/%Y}" if self.due else "")
        elif self.state is StepState.NOT_NEEDED:
            state = "Not needed"
        elif self.state is StepState.UNCONFIRMED:
            state = "Not confirmed"
        elif self.done_by:
            state = f"Done by {self.done_by}"
        why = (
            "Why corrected"
            if self.corrects
            else ("Why not needed" if self.state is StepState.NOT_NEEDED else "Reasons")
        )
        return [
            line
            for line in (
                f"Decision: {self.choice}" if self.choice else "",
                state,
                f"{why}: {self.reasons}" if self.reasons else "",
                f"Outcome: {self.outcome}" if self.outcome else "",
                *(f"{REFERENCES.get(k, 'Reference')}: {v}" for k, v in self.references),
                self.text,
            )
            if line
        ]


@open_to_every_role("the cases this account may see")
def chronology(
    signed_in: SignedIn, incident_id: int, *, record_view: bool = True
) -> list[ChronologyEntry]:
    """The case's entries in time order; reading them is recorded in the audit log (unless
    the caller records what it makes of them instead: a pupil's chronology, whose entry of its
    own must not follow a restricted case's "changed" entry, naming the pupil)."""
    store = store_for(signed_in, incident_id)
    with store.transaction() if record_view else store.reading() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        entries = list(
            session.scalars(
                select(IncidentEntry)
                .where(IncidentEntry.incident_id == incident.id)
                .order_by(IncidentEntry.recorded_at, IncidentEntry.id)
            )
        )
        if record_view:
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
                state=StepState(e.state) if e.state else None,
                happened_at=_happened(e),
                owner=e.owner or "",
                due=e.due,
                references=references_of(e),
            )
            for e in entries
        ]


def add_note(signed_in: SignedIn, incident_id: int, text: str) -> None:
    signed_in.require(Permission.RECORD_INCIDENTS)
    if not text.strip():
        raise InvalidInput("The note is empty.")
    with store_for(signed_in, incident_id).transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        now = signed_in.clock.utc_now()
        session.add(_entry(signed_in, incident.id, now, kind="note", title="Note", text=text))
        _case_changed(session, signed_in, incident.id, "incident.note_added")


def correct_entry(signed_in: SignedIn, entry_id: int, corrected_text: str, why: str) -> None:
    """Add a correction; the original stays, marked as corrected."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    if not why.strip():
        raise InvalidInput("Say why the entry is being corrected.")
    with store_for(signed_in, entry_id).transaction() as session:
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

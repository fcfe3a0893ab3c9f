"""Actions set on a case: what must be done, by whom and by when, so that nothing agreed is
forgotten and the Dashboard can show what is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents._common import (
    _case_changed,
    _entry,
    _visible_incident,
    visible_to,
)
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.restricted_cases import every_store, store_for
from esafety_desktop.storage.models import Incident, IncidentAction


@dataclass(frozen=True)
class ActionInfo:
    id: int
    incident_id: int
    reference: str
    title: str
    owner: str
    due: date
    done: bool
    step_id: str | None = None  # a flowchart step to do (completed with "Carry on")

    def overdue(self, today: date) -> bool:
        return not self.done and self.due < today


def add_action(signed_in: SignedIn, incident_id: int, title: str, owner: str, due: date) -> None:
    signed_in.require(Permission.RECORD_INCIDENTS)
    if not title.strip() or not owner.strip():
        raise InvalidInput("Say what must be done and who will do it.")
    with store_for(signed_in, incident_id).transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        now = signed_in.clock.utc_now()
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
    with store_for(signed_in, action_id).transaction() as session:
        action = session.get(IncidentAction, action_id)
        if action is None or action.done_at is not None:
            raise InvalidInput("That action is already done or does not exist.")
        if action.step_id is not None:
            raise InvalidInput(
                f"“{action.title}” is a step of the flowchart: record it with “Carry on”, so "
                "that who did it, when and its references are kept with the step."
            )
        incident = _visible_incident(session, signed_in, action.incident_id)
        now = signed_in.clock.utc_now()
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


@open_to_every_role("the cases this account may see")
def actions(
    signed_in: SignedIn, incident_id: int | None = None, *, open_only: bool = False
) -> list[ActionInfo]:
    """Actions of one case, or of every visible case (for the Dashboard), soonest due first."""
    if incident_id is not None:
        with store_for(signed_in, incident_id).reading() as session:
            return _actions(session, signed_in, incident_id, open_only)
    found: list[ActionInfo] = []
    for session in every_store(signed_in):
        found += _actions(session, signed_in, None, open_only)
    found.sort(key=lambda a: (a.due, a.id < 0, abs(a.id)))
    return found


def _actions(
    session: Session, signed_in: SignedIn, incident_id: int | None, open_only: bool
) -> list[ActionInfo]:
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
        ActionInfo(
            a.id, a.incident_id, ref, a.title, a.owner, a.due, a.done_at is not None, a.step_id
        )
        for a, ref in session.execute(query).all()
    ]

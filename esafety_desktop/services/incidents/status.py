"""Moving a case on: its status (closing it asks the closing questions) and the headteacher's
sign-off, with the counts the Dashboard shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from esafety_desktop.domain.incidents import IncidentStatus, plan_of
from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents._common import (
    _case_changed,
    _entry,
    _visible_incident,
    visible_to,
)
from esafety_desktop.services.incidents.flowcharts import shipped_flowchart
from esafety_desktop.services.incidents.plan import _answers
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.restricted_cases import every_store, store_for
from esafety_desktop.storage.models import Incident, IncidentEntry


@dataclass(frozen=True)
class Closing:
    """The closing questions: answered when a case is closed."""

    outcome: str
    debrief_held: bool
    lessons_learned: str
    policy_review_needed: bool


def change_status(
    signed_in: SignedIn,
    incident_id: int,
    status: IncidentStatus,
    reasons: str,
    closing: Closing | None = None,
) -> None:
    """Move a case on (for example to monitoring, or closed), with the reasons on its record."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    if not reasons.strip():
        raise InvalidInput("Say why the status is changing.")
    if status is IncidentStatus.CLOSED:
        if closing is None or not closing.outcome.strip():
            raise InvalidInput("Before closing, record the outcome.")
        if not closing.lessons_learned.strip():
            raise InvalidInput("Before closing, record the lessons learned (or 'none').")
    with store_for(signed_in, incident_id).transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        old = IncidentStatus(incident.status)
        if old is status:
            return
        if status is IncidentStatus.CLOSED:
            problem = plan_of(shipped_flowchart(), _answers(session, incident.id)).closing_problem()
            if problem:
                raise InvalidInput(f"The case cannot close yet. {problem}")
        incident.status = status.value
        incident.closed_at = signed_in.clock.utc_now() if status is IncidentStatus.CLOSED else None
        text = ""
        if closing is not None and status is IncidentStatus.CLOSED:
            text = (
                f"Outcome: {closing.outcome.strip()}\n"
                f"Debrief held: {'yes' if closing.debrief_held else 'no'}\n"
                f"Lessons learned: {closing.lessons_learned.strip()}\n"
                f"Policy review needed: {'yes' if closing.policy_review_needed else 'no'}"
            )
        session.add(
            _entry(
                signed_in,
                incident.id,
                signed_in.clock.utc_now(),
                kind="status",
                title=f"Status: {old.label} → {status.label}",
                reasons=reasons,
                text=text,
            )
        )
        _case_changed(
            session,
            signed_in,
            incident.id,
            "incident.status_changed",
            details={"from": old.value, "to": status.value},
        )


@open_to_every_role("the cases this account may see")
def open_case_count(signed_in: SignedIn) -> dict[IncidentStatus, int]:
    """Open cases by status (closed ones left out), for the Dashboard."""
    counts: dict[IncidentStatus, int] = {}
    for session in every_store(signed_in):
        rows = session.execute(
            select(Incident.status, func.count())
            .where(Incident.status != IncidentStatus.CLOSED.value, visible_to(signed_in))
            .group_by(Incident.status)
        ).all()
        for status, count in rows:
            counts[IncidentStatus(status)] = counts.get(IncidentStatus(status), 0) + count
    return counts


def sign_off(signed_in: SignedIn, incident_id: int, comment: str) -> None:
    """The headteacher's (or DSL's) review of a case, signed with their name and the date."""
    signed_in.require(Permission.SIGN_OFF_CASES)
    with store_for(signed_in, incident_id).transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        me = signed_in.account
        session.add(
            _entry(
                signed_in,
                incident.id,
                signed_in.clock.utc_now(),
                kind="review",
                title=f"Reviewed and signed off by {me.display_name} ({me.role.label})",
                text=comment.strip(),
            )
        )
        _case_changed(session, signed_in, incident.id, "incident.signed_off")


@open_to_every_role("the cases this account may see")
def awaiting_sign_off(signed_in: SignedIn) -> int:
    """Visible cases with no review entry yet (for the headteacher's Dashboard)."""
    waiting = 0
    for session in every_store(signed_in):
        reviewed = select(IncidentEntry.incident_id).where(IncidentEntry.kind == "review")
        waiting += (
            session.scalar(
                select(func.count())
                .select_from(Incident)
                .where(Incident.id.not_in(reviewed), visible_to(signed_in))
            )
            or 0
        )
    return waiting

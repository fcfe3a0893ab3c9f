"""What every part of a case shares, here so that the other modules need not import each other
for it: which cases an account may see (a case about an account holder is hidden from that
account), a chronology entry, UK local time, and what follows any change to a case."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from esafety_desktop.domain.roles import Role
from esafety_desktop.errors import InvalidInput, NotAllowed
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents.search import _reindex
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.storage.models import Account, Incident, IncidentEntry


@open_to_every_role("the filter that keeps cases from the accounts they are about")
def visible_to(signed_in: SignedIn) -> Any:
    return or_(
        Incident.concerns_account_id.is_(None),
        Incident.concerns_account_id != signed_in.account.id,
    )


def _visible_incident(session: Session, signed_in: SignedIn, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise InvalidInput("That incident does not exist.")
    if incident.concerns_account_id == signed_in.account.id:
        raise NotAllowed(signed_in.account.role.label, "open a case that is about them")
    return incident


def _entry(signed_in: SignedIn, incident_id: int, when: datetime, **fields_: Any) -> IncidentEntry:
    values = {
        "step_id": None,
        "choice": None,
        "reasons": "",
        "done_by": "",
        "outcome": "",
        "reference_kind": None,
        "reference_value": None,
        "text": "",
        "corrects_id": None,
    }
    values.update(fields_)
    return IncidentEntry(
        incident_id=incident_id,
        recorded_at=when,
        author_id=signed_in.account.id,
        author_name=signed_in.account.display_name,
        **values,
    )


def _local(utc_naive: datetime) -> datetime:
    """Stored times are UTC; people read UK local time."""
    return utc_naive.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def _case_changed(
    session: Session,
    signed_in: SignedIn,
    incident_id: int,
    action: str,
    details: dict[str, Any] | None = None,
) -> None:
    """After any change to a case: refresh its search text and write the audit entry."""
    session.flush()
    _reindex(session, incident_id)
    signed_in.record(
        session, action, subject_type="incident", subject_id=incident_id, details=details
    )


HEAD_ROUTE = "chair_of_governors_and_lado"  # the flowchart's route for the headteacher


def _account_concerned(
    session: Session, signed_in: SignedIn, chosen: int | None, routes: list[str | None]
) -> int | None:
    """The account a case must be hidden from. A case routed past the headteacher is always
    hidden from the headteacher's account, even if nobody chose it."""
    if chosen is not None:
        account = session.get(Account, chosen)
        if account is None or account.removed_at is not None:
            raise InvalidInput("The account this case is about no longer exists.")
        if account.id == signed_in.account.id:
            raise InvalidInput(
                "A case about you must be recorded by someone else: ask the deputy DSL."
            )
        return chosen
    if HEAD_ROUTE not in routes:
        return None
    heads = list(
        session.scalars(
            select(Account.id).where(
                Account.role == Role.HEADTEACHER.value, Account.removed_at.is_(None)
            )
        )
    )
    if len(heads) > 1:
        raise InvalidInput("Choose which headteacher account this case is about.")
    return heads[0] if heads else None

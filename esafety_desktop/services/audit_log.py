"""Reading the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from esafety_desktop.domain.roles import Permission
from esafety_desktop.services import restricted_cases, restricted_keys
from esafety_desktop.services.access import AccountInfo
from esafety_desktop.services.access import SignedIn as SignedIn
from esafety_desktop.storage.models import Account, AuditEntry


@dataclass(frozen=True)
class AuditRecord:
    sequence: int
    occurred_at: datetime
    actor_name: str
    action: str
    subject_type: str | None
    subject_id: str | None
    details: dict[str, Any]


def audit_entries(
    signed_in: SignedIn,
    *,
    actor_name: str | None = None,
    action: str | None = None,
    on_or_after: date | None = None,
    on_or_before: date | None = None,
) -> list[AuditRecord]:
    """Newest first, filtered by person, action (prefix, e.g. ``account``) and dates."""
    signed_in.require(Permission.VIEW_AUDIT_LOG)
    query = select(AuditEntry).order_by(AuditEntry.sequence.desc())
    if actor_name:
        query = query.where(AuditEntry.actor_name == actor_name)
    if action:
        query = query.where(
            (AuditEntry.action == action) | AuditEntry.action.startswith(action + ".")
        )
    if on_or_after:
        query = query.where(AuditEntry.occurred_at >= on_or_after.isoformat())
    if on_or_before:
        query = query.where(AuditEntry.occurred_at < (on_or_before + timedelta(days=1)).isoformat())
    with signed_in.database.reading() as session:
        found = [
            AuditRecord(
                sequence=e.sequence,
                occurred_at=datetime.fromisoformat(e.occurred_at),
                actor_name=e.actor_name,
                action=e.action,
                subject_type=e.subject_type,
                subject_id=e.subject_id,
                details=json.loads(e.details),
            )
            for e in session.scalars(query)
        ]
    return [_in_words_for_holders(signed_in, r) for r in found]


def _in_words_for_holders(signed_in: SignedIn, record: AuditRecord) -> AuditRecord:
    """An entry about a restricted case says what was done only to an account that holds the
    case's key; to any other, only that a restricted case was changed."""
    if record.action != restricted_keys.CHANGED or record.subject_id is None:
        return record
    number = int(record.subject_id)
    said = restricted_cases.opened_entry(signed_in, number, record.details)
    if said is None:
        return replace(record, details={})
    details = dict(said.get("details") or {})
    details["restricted case"] = restricted_cases.reference_of(signed_in, number)
    return replace(record, action=str(said.get("action", record.action)), details=details)


def _start_of_local_day(day: date) -> str:
    """Dates are the user's (UK) dates; entries are stored in UTC."""
    local_midnight = datetime.combine(day, time.min).astimezone()
    return local_midnight.astimezone(UTC).isoformat(timespec="microseconds")


def account_names(signed_in: SignedIn) -> list[AccountInfo]:
    """Everyone who can appear as the actor of an audit entry, for the audit filter."""
    signed_in.require(Permission.VIEW_AUDIT_LOG)
    with signed_in.database.reading() as session:
        return [
            AccountInfo.of(a) for a in session.scalars(select(Account).order_by(Account.username))
        ]

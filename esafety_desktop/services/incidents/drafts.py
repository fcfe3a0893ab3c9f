"""Drafts: the wizard's state, kept as the user goes so that a case half recorded is not lost
when the window closes. A draft is its author's alone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.storage.models import IncidentDraft


@dataclass(frozen=True)
class DraftInfo:
    id: int
    label: str
    updated_at: datetime


def save_draft(signed_in: SignedIn, draft_id: int | None, label: str, data: dict[str, Any]) -> int:
    """Keep the wizard's state as the user goes; returns the draft's id."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    encoded = json.dumps(data, ensure_ascii=False, default=str)
    with signed_in.database.transaction() as session:
        draft = session.get(IncidentDraft, draft_id) if draft_id else None
        if draft is not None and draft.account_id != signed_in.account.id:
            draft = None
        label = label.strip() or "Incident being recorded"
        if draft is None:
            draft = IncidentDraft(
                account_id=signed_in.account.id,
                label=label,
                data=encoded,
                updated_at=signed_in.clock.utc_now(),
            )
            session.add(draft)
            session.flush()
            signed_in.record(
                session, "incident.draft_started", subject_type="draft", subject_id=draft.id
            )
        draft.label = label
        draft.data = encoded
        draft.updated_at = signed_in.clock.utc_now()
        session.flush()
        return draft.id


def my_drafts(signed_in: SignedIn) -> list[DraftInfo]:
    with signed_in.database.reading() as session:
        rows = session.scalars(
            select(IncidentDraft)
            .where(IncidentDraft.account_id == signed_in.account.id)
            .order_by(IncidentDraft.updated_at.desc())
        )
        return [DraftInfo(d.id, d.label, d.updated_at) for d in rows]


def load_draft(signed_in: SignedIn, draft_id: int) -> dict[str, Any]:
    with signed_in.database.reading() as session:
        draft = session.get(IncidentDraft, draft_id)
        if draft is None or draft.account_id != signed_in.account.id:
            raise InvalidInput("That draft is not yours or no longer exists.")
        return dict(json.loads(draft.data))


def discard_draft(signed_in: SignedIn, draft_id: int) -> None:
    with signed_in.database.transaction() as session:
        draft = session.get(IncidentDraft, draft_id)
        if draft is None or draft.account_id != signed_in.account.id:
            return
        session.delete(draft)
        signed_in.record(
            session, "incident.draft_discarded", subject_type="draft", subject_id=draft_id
        )

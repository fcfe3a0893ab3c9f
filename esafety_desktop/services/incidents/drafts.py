"""Drafts: the wizard's state, kept as the user goes so that a case half recorded is not lost
when the window closes. A draft is its author's alone: it is sealed (AES-256-GCM under a key of
its own, wrapped to its author's X25519 key), so a draft of a case about another account holder
cannot be read from the database by that account. A password change seals the drafts again
for the new keys; a password *reset* by a DSL leaves them sealed to keys no longer held."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.storage.key_file import recipient_of
from esafety_desktop.storage.keypairs import (
    PrivateKeys,
    PublicKeys,
    WrappedKey,
    WrongKeys,
    b64,
    canonical,
    seal,
    unb64,
    unseal,
    wrap_key,
)
from esafety_desktop.storage.models import IncidentDraft

SEALED_LABEL = "(sealed)"  # the label column of a sealed draft: its label is in the seal


@dataclass(frozen=True)
class DraftInfo:
    id: int
    label: str
    updated_at: datetime


def save_draft(signed_in: SignedIn, draft_id: int | None, label: str, data: dict[str, Any]) -> int:
    """Keep the wizard's state as the user goes; returns the draft's id."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    label = label.strip() or "Incident being recorded"
    shown, encoded = _sealed(signed_in, label, json.dumps(data, ensure_ascii=False, default=str))
    with signed_in.database.transaction() as session:
        draft = session.get(IncidentDraft, draft_id) if draft_id else None
        if draft is not None and draft.account_id != signed_in.account.id:
            draft = None
        if draft is None:
            draft = IncidentDraft(
                account_id=signed_in.account.id,
                label=shown,
                data=encoded,
                updated_at=signed_in.clock.utc_now(),
            )
            session.add(draft)
            session.flush()
            signed_in.record(
                session, "incident.draft_started", subject_type="draft", subject_id=draft.id
            )
        draft.label = shown
        draft.data = encoded
        draft.updated_at = signed_in.clock.utc_now()
        session.flush()
        return draft.id


@open_to_every_role("the account's own drafts")
def my_drafts(signed_in: SignedIn) -> list[DraftInfo]:
    with signed_in.database.reading() as session:
        rows = session.scalars(
            select(IncidentDraft)
            .where(IncidentDraft.account_id == signed_in.account.id)
            .order_by(IncidentDraft.updated_at.desc())
        )
        found = []
        for d in rows:
            opened = _opened(signed_in, d)
            label = opened[0] if opened else "A draft sealed to keys this account no longer has"
            found.append(DraftInfo(d.id, label, d.updated_at))
        return found


@open_to_every_role("the account's own drafts")
def load_draft(signed_in: SignedIn, draft_id: int) -> dict[str, Any]:
    with signed_in.database.reading() as session:
        draft = session.get(IncidentDraft, draft_id)
        if draft is None or draft.account_id != signed_in.account.id:
            raise InvalidInput("That draft is not yours or no longer exists.")
        opened = _opened(signed_in, draft)
        if opened is None:
            raise InvalidInput(
                "This draft was sealed with keys this account no longer has (its password was "
                "reset), so it cannot be opened. Discard it and record the case again."
            )
        return dict(json.loads(opened[1]))


@open_to_every_role("the account's own drafts")
def discard_draft(signed_in: SignedIn, draft_id: int) -> None:
    with signed_in.database.transaction() as session:
        draft = session.get(IncidentDraft, draft_id)
        if draft is None or draft.account_id != signed_in.account.id:
            return
        session.delete(draft)
        signed_in.record(
            session, "incident.draft_discarded", subject_type="draft", subject_id=draft_id
        )


def reseal_my_drafts(
    session: Session, signed_in: SignedIn, old: PrivateKeys, new: PublicKeys
) -> None:
    """After a password change (inside its transaction): the account's drafts, sealed for its
    new keys."""
    for draft in session.scalars(
        select(IncidentDraft).where(IncidentDraft.account_id == signed_in.account.id)
    ):
        opened = _opened(signed_in, draft, old)
        if opened is not None:
            draft.label, draft.data = _sealed(signed_in, *opened, to=new)


def _context(signed_in: SignedIn) -> dict[str, Any]:
    return {
        "database_id": signed_in.database.database_id,
        "key": "draft",
        "to": recipient_of(signed_in.account.username),
    }


def _sealed(
    signed_in: SignedIn, label: str, encoded: str, to: PublicKeys | None = None
) -> tuple[str, str]:
    """(label column, data column): sealed for the account's keys, or plain for an account
    still on a version 1 slot (it has no keys to seal with)."""
    public = to or (signed_in.keys.public if signed_in.keys is not None else None)
    if public is None:
        return label, encoded
    key = bytearray(secrets.token_bytes(32))
    context = _context(signed_in)
    wrapped = wrap_key(key, public.x25519, context)
    body = seal(key, canonical({"label": label, "data": encoded}), canonical(context))
    key[:] = bytes(32)
    return SEALED_LABEL, json.dumps({"sealed": b64(body), "key": wrapped.to_json()})


def _opened(
    signed_in: SignedIn, draft: IncidentDraft, keys: PrivateKeys | None = None
) -> tuple[str, str] | None:
    """(label, data) of a draft, or None if this account's keys do not open it."""
    try:
        raw = json.loads(draft.data)
    except ValueError:
        return None
    if not (isinstance(raw, dict) and set(raw) == {"sealed", "key"}):
        return draft.label, draft.data  # a draft saved before drafts were sealed
    keys = keys or signed_in.keys
    if keys is None:
        return None
    context = _context(signed_in)
    try:
        key = keys.unwrap(WrappedKey.from_json(raw["key"]), context)
        inside = json.loads(unseal(key, unb64(raw["sealed"]), canonical(context)))
        return str(inside["label"]), str(inside["data"])
    except (WrongKeys, ValueError, KeyError, TypeError):
        return None

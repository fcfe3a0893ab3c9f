"""The audit chain: each entry's hash covers the previous hash and the entry itself.

Editing an entry breaks its own hash; deleting, inserting or reordering breaks the link to the
one before; cutting off the newest entries is caught by the anchor kept in the key-slot file.
From schema 0010 each entry is also signed by the account that wrote it, and the last entry of
a transaction carries the hash of the rows it wrote (storage/history.py): entries are kept
pending in the session and hashed, signed and written just before the commit
(:func:`finish`), because once written an entry can never be changed.

Every entry carries the real time it was written, read here from the system clock: never a
signed-in session's clock (the demo school sets it to its invented past days) and never a time
a caller gives.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Protocol

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from esafety_desktop.domain.clock import SystemClock
from esafety_desktop.storage.keyslots import AuditAnchor
from esafety_desktop.storage.models import AuditEntry

GENESIS_HASH = "0" * 64
# Set on the session when an entry is appended, so the database can move the anchor on commit.
PENDING_ANCHOR = "esafety_audit_tail"


def canonical_details(details: dict[str, Any] | None) -> str:
    return json.dumps(details or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    content: dict[str, Any] = {
        "sequence": entry.sequence,
        "occurred_at": entry.occurred_at,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "details": entry.details,
    }
    if entry.signer is not None or entry.rows_hash is not None:  # from schema 0010
        content["signer"] = entry.signer
        content["rows_hash"] = entry.rows_hash
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(bytes.fromhex(prev_hash) + encoded.encode("utf-8")).hexdigest()


# Entries appended in the session and not yet written (see :func:`finish`).
PENDING_ENTRIES = "esafety_audit_pending"


def append(
    session: Session,
    *,
    actor_id: int | None,
    actor_name: str,
    action: str,
    subject_type: str | None = None,
    subject_id: str | int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add the next entry to the chain inside the caller's transaction; it is hashed, signed
    and written when the transaction commits."""
    waiting: list[AuditEntry] = session.info.setdefault(PENDING_ENTRIES, [])
    if waiting:
        sequence = waiting[-1].sequence + 1
    else:
        last = newest(session)
        sequence = last[0] + 1 if last else 1
    entry = AuditEntry(
        sequence=sequence,
        occurred_at=SystemClock().now().isoformat(timespec="microseconds"),
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        details=canonical_details(details),
    )
    waiting.append(entry)
    return entry


class EntrySigner(Protocol):
    """Who signs the entries a session writes (storage/history.py's ``Signer``)."""

    name: str

    def signature(self, entry_hash: str) -> str: ...


def pending(session: Session) -> list[AuditEntry]:
    found: list[AuditEntry] = session.info.get(PENDING_ENTRIES, [])
    return found


def finish(session: Session, signer: EntrySigner | None) -> None:
    """Write the session's pending entries: chained onto the newest entry, each signed by
    ``signer`` (unsigned where the session has no keys, as every entry was before 0010)."""
    entries: list[AuditEntry] = session.info.pop(PENDING_ENTRIES, [])
    if not entries:
        return
    last = newest(session)
    prev_hash = last[1] if last else GENESIS_HASH
    for entry in entries:
        entry.signer = signer.name if signer is not None else None
        entry.prev_hash = prev_hash
        entry.hash = entry_hash(prev_hash, entry)
        entry.signature = signer.signature(entry.hash) if signer is not None else None
        session.add(entry)
        prev_hash = entry.hash
    session.flush()
    session.info[PENDING_ANCHOR] = (entries[-1].sequence, entries[-1].hash)


@dataclass(frozen=True)
class ChainReport:
    entries: int
    problems: list[str]
    anchor_behind_by: int = 0  # entries saved after the anchor was last written (a crash)


def verify_chain(
    session: Session, anchor: AuditAnchor | None, *, anchor_genuine: bool
) -> ChainReport:
    """Walk the whole chain and say, in words, every place it does not hold."""
    problems: list[str] = []
    prev_hash = GENESIS_HASH
    expected_sequence = 1
    hashes: dict[int, str] = {}
    rows = _entries(session)
    count = 0
    for entry in rows:
        count += 1
        if entry.sequence != expected_sequence:
            if entry.sequence > expected_sequence:
                missing = _span(expected_sequence, entry.sequence - 1)
                problems.append(f"Audit {missing} missing (deleted from the log).")
            else:
                problems.append(
                    f"Audit entry {entry.sequence} is out of order (found after entry "
                    f"{expected_sequence - 1})."
                )
        try:
            recomputed = entry_hash(entry.prev_hash, entry)
        except (ValueError, TypeError):
            recomputed = None  # a hash that is not one: altered
        if recomputed != entry.hash:
            problems.append(
                f"Audit entry {entry.sequence} ({entry.action}, {entry.occurred_at[:10]}) was "
                "changed after it was written."
            )
        elif entry.prev_hash != prev_hash:
            problems.append(
                f"Audit entry {entry.sequence} does not follow the entry before it: entries "
                "were removed, inserted or reordered."
            )
        hashes[entry.sequence] = entry.hash
        prev_hash = entry.hash
        expected_sequence = max(expected_sequence, entry.sequence) + 1
    last_sequence = expected_sequence - 1
    behind = 0
    if anchor is None:
        if count:
            problems.append("The key file holds no record of the newest audit entry.")
    elif not anchor_genuine:
        problems.append("The record of the newest audit entry in the key file was altered.")
    elif anchor.sequence > last_sequence:
        problems.append(
            f"The newest audit {_span(last_sequence + 1, anchor.sequence)} missing: the end of "
            "the log was cut off."
        )
    elif hashes.get(anchor.sequence) != anchor.hash:
        problems.append(
            f"Audit entry {anchor.sequence} is not the one that was written: the log was "
            "replaced or rewritten."
        )
    else:
        behind = last_sequence - anchor.sequence
    return ChainReport(entries=count, problems=problems, anchor_behind_by=behind)


def _entries(session: Session) -> Iterator[Any]:
    """Every entry in order, read with the columns this copy has: a backup taken before an
    upgrade is checked with the layout it was made with."""
    present = {c["name"] for c in inspect(session.connection()).get_columns("audit_entry")}
    columns = [c for c in AuditEntry.__table__.columns if c.name in present]
    missing = {c.name: None for c in AuditEntry.__table__.columns if c.name not in present}
    for row in session.execute(select(*columns).order_by(AuditEntry.id)).mappings():
        yield SimpleNamespace(**missing, **row)


def newest(session: Session) -> tuple[int, str] | None:
    row = session.execute(
        select(AuditEntry.sequence, AuditEntry.hash).order_by(AuditEntry.sequence.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _span(first: int, last: int) -> str:
    return f"entry {first} is" if first == last else f"entries {first} to {last} are"

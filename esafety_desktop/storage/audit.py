"""The audit chain: each entry's hash covers the previous hash and the entry itself.

Editing an entry breaks its own hash; deleting, inserting or reordering breaks the link to the
one before; cutting off the newest entries is caught by the anchor kept in the key-slot file.

Every entry carries the real time it was written, read here from the system clock: never a
signed-in session's clock (the demo school sets it to its invented past days) and never a time
a caller gives.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
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
    content = {
        "sequence": entry.sequence,
        "occurred_at": entry.occurred_at,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "details": entry.details,
    }
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(bytes.fromhex(prev_hash) + encoded.encode("utf-8")).hexdigest()


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
    """Add the next entry to the chain inside the caller's transaction."""
    last = session.execute(
        select(AuditEntry.sequence, AuditEntry.hash).order_by(AuditEntry.sequence.desc()).limit(1)
    ).first()
    sequence, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    entry = AuditEntry(
        sequence=sequence,
        occurred_at=SystemClock().now().isoformat(timespec="microseconds"),
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        details=canonical_details(details),
        prev_hash=prev_hash,
    )
    entry.hash = entry_hash(prev_hash, entry)
    session.add(entry)
    session.flush()
    session.info[PENDING_ANCHOR] = (entry.sequence, entry.hash)
    return entry


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
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
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
        if entry_hash(entry.prev_hash, entry) != entry.hash:
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


def newest(session: Session) -> tuple[int, str] | None:
    row = session.execute(
        select(AuditEntry.sequence, AuditEntry.hash).order_by(AuditEntry.sequence.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _span(first: int, last: int) -> str:
    return f"entry {first} is" if first == last else f"entries {first} to {last} are"

"""Who holds a restricted case's key, and why a case that opens may still not be trusted.

* **The commitment.** The signed audit entry that creates (or seals away) restricted case *k*
  is the first entry about it, and carries in clear the SHA-256 of the case key and the user
  names it is kept from. A case is opened only if its key hashes to that, the entry was signed
  by an account whose role may record cases and who is not among them, the number of
  "changed" entries in the chained audit log is the number the case's document counts (so an
  older document put back is seen), and the row is as the app last sealed it.
* **Wraps** of the case key are signed by the account that made them, and never made for an
  account the case is kept from: ``verify`` names a wrap given to an excluded account, a wrap
  nobody signed, and an account's own wrap removed.
* **Settling**: at a DSL's sign-in and after account changes, wraps follow the roster.

``docs/file-format.md`` section 17 describes the bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from esafety_desktop.domain.roles import Permission, Role, can
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.school_keys import roster_state
from esafety_desktop.storage import history
from esafety_desktop.storage.case_room import case_key_context, open_document
from esafety_desktop.storage.key_file import RECOVERY_SIGNER, recipient_of
from esafety_desktop.storage.keypairs import (
    PrivateKeys,
    WrappedKey,
    WrongKeys,
    b64,
    canonical,
    signature_holds,
    unb64,
    wrap_key,
)
from esafety_desktop.storage.models import AuditEntry, SealedCase

CHANGED = "restricted_case.changed"  # the one action an audit entry shows in clear
SUBJECT = "restricted_case"
KEYS_GIVEN = "restricted_case.keys_given"
WRAP_PREFIX = b"esafety-desktop/restricted-case-wrap/v1\n"


def key_hash(key: bytes | bytearray) -> str:
    return hashlib.sha256(bytes(key)).hexdigest()


def commitment_details(key: bytes | bytearray, kept_from: list[str]) -> dict[str, Any]:
    """What the creating entry says in clear: the key's hash, and whom the case is kept from
    (user names, which the wraps show anyway)."""
    return {"key": key_hash(key), "kept_from": sorted(kept_from)}


@dataclass(frozen=True)
class Commitment:
    key: str
    kept_from: list[str]
    signer: str | None


def commitment(school: Session, number: int) -> Commitment | None:
    """The first entry about restricted case ``number``: what it was restricted with."""
    first = school.execute(
        select(AuditEntry.details, AuditEntry.signer)
        .where(AuditEntry.subject_type == SUBJECT, AuditEntry.subject_id == str(number))
        .order_by(AuditEntry.sequence)
        .limit(1)
    ).first()
    if first is None:
        return None
    try:
        details = json.loads(first[0]) or {}
        return Commitment(str(details["key"]), [str(k) for k in details["kept_from"]], first[1])
    except (ValueError, KeyError, TypeError):
        return None


def changes_recorded(school: Session, number: int) -> int:
    return int(
        school.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action == CHANGED,
                AuditEntry.subject_type == SUBJECT,
                AuditEntry.subject_id == str(number),
            )
        )
        or 0
    )


def next_number(school: Session) -> int:
    """A number never given before, even to a case deleted since (the audit log keeps them)."""
    in_rows = school.scalar(select(func.max(SealedCase.id))) or 0
    named = [
        int(s)
        for s in school.scalars(
            select(AuditEntry.subject_id).where(AuditEntry.subject_type == SUBJECT).distinct()
        )
        if s and s.isdigit()
    ]
    return max([in_rows, *named]) + 1


@open_to_every_role("a check on a case this account holds")
def untrusted(
    signed_in: SignedIn,
    school: Session,
    row: SealedCase,
    key: bytes | bytearray,
    document: dict[str, Any],
) -> str | None:
    """Why a restricted case that opens must still not be trusted (a sentence), or None."""
    said = f"Restricted case {row.id} was changed outside the app"
    committed = commitment(school, row.id)
    if committed is None:
        return f"{said}: the audit log has no entry that restricted it."
    if committed.key != key_hash(key):
        return f"{said}: its key is not the one it was restricted with."
    problem = _signer_problem(signed_in, committed)
    if problem:
        return f"{said}: {problem}"
    if changes_recorded(school, row.id) != document.get("changes", 0):
        return f"{said}: it is older than its history in the audit log (it was put back)."
    if history.row_differs_from_seal(school, SealedCase.__tablename__, str(row.id)):
        return f"{said}: it is not as the app last saved it."
    return None


def _signer_problem(signed_in: SignedIn, committed: Commitment) -> str | None:
    state = roster_state(signed_in.database.key_slots)
    member = state.members.get(committed.signer or "") if state is not None else None
    if member is None or not can(Role(member.role), Permission.RECORD_INCIDENTS):
        return f"it was restricted by {committed.signer or 'nobody'}, who may not record cases."
    if committed.signer in committed.kept_from:
        return f"it was restricted by {committed.signer}, whom it is kept from."
    return None


# -- wraps -------------------------------------------------------------------------------


def wraps_of(row: SealedCase) -> dict[str, Any]:
    try:
        raw = json.loads(row.keys)
    except ValueError:
        return {}
    return raw if isinstance(raw, dict) else {}


@open_to_every_role("public keys from the signed roster")
def recipients(signed_in: SignedIn, kept_from: list[str]) -> dict[str, bytes]:
    """Every account on the signed roster the case is not kept from, and the recovery key:
    each one's X25519 public key."""
    state = roster_state(signed_in.database.key_slots)
    if state is None:
        return {}
    excluded = {recipient_of(k) for k in kept_from}
    found = {
        recipient_of(name): member.keys.x25519
        for name, member in state.members.items()
        if member.active and recipient_of(name) not in excluded
    }
    if state.recovery is not None:
        found[RECOVERY_SIGNER] = state.recovery.x25519
    return found


def _wrap_message(database_id: str, number: int, recipient: str, wrap: dict[str, Any]) -> bytes:
    fields = {k: wrap.get(k) for k in ("recipient", "ephemeral", "nonce", "sealed")}
    return WRAP_PREFIX + canonical(
        {"database_id": database_id, "case": number, "to": recipient, **fields}
    )


def _signed_wrap(
    signed_in: SignedIn, number: int, recipient: str, key: bytes | bytearray, public: bytes
) -> dict[str, Any]:
    keys = signed_in.keys
    assert keys is not None
    database_id = signed_in.database.database_id
    made = wrap_key(key, public, case_key_context(database_id, number, recipient)).to_json()
    message = _wrap_message(database_id, number, recipient, dict(made))
    return {**made, "by": signed_in.account.username, "signature": b64(keys.sign(message))}


@open_to_every_role("a check, no record")
def wrap_signer_problem(
    signed_in: SignedIn, number: int, recipient: str, wrap: Any, kept_from: list[str]
) -> str | None:
    """Why a wrap cannot be trusted (not signed, or signed by an account the case is kept
    from), or None."""
    if not isinstance(wrap, dict):
        return "it is not a wrapped key"
    by = str(wrap.get("by", ""))
    if not by or by in kept_from:
        return "nobody it may be shown to made it" if by else "nobody signed it"
    slots = signed_in.database.key_slots
    known = history.signers_from_roster(slots.signed.entries, RECOVERY_SIGNER).get(by, [])
    try:
        signature = unb64(str(wrap.get("signature", "")))
    except ValueError:
        return "its signature does not hold"
    message = _wrap_message(slots.database_id, number, recipient, wrap)
    if not any(signature_holds(public, message, signature) for public in known):
        return "its signature does not hold"
    return None


@open_to_every_role("wraps only to accounts the case is not kept from")
def wrap_all(
    signed_in: SignedIn,
    number: int,
    key: bytes | bytearray,
    kept_from: list[str],
    old: dict[str, Any],
) -> dict[str, Any]:
    """The case key's wraps: kept where the recipient's key is unchanged and the wrap is
    signed by an account it may be shown to, made (and signed) where not."""
    wraps: dict[str, Any] = {}
    for recipient, public in recipients(signed_in, kept_from).items():
        existing = old.get(recipient)
        if (
            isinstance(existing, dict)
            and existing.get("recipient") == b64(public)
            and wrap_signer_problem(signed_in, number, recipient, existing, kept_from) is None
        ):
            wraps[recipient] = existing
            continue
        wraps[recipient] = _signed_wrap(signed_in, number, recipient, key, public)
    return wraps


@open_to_every_role("verify checks VERIFY_DATABASE first")
def wrap_problems(signed_in: SignedIn, row: SealedCase, committed: Commitment) -> list[str]:
    """For ``verify``, with no case key needed: wraps given to an account the case is kept
    from, wraps nobody (or an excluded account) signed, and this account's own wrap gone."""
    problems: list[str] = []
    wraps = wraps_of(row)
    excluded = {recipient_of(k): k for k in committed.kept_from}
    for recipient, wrap in sorted(wraps.items()):
        if recipient in excluded:
            problems.append(
                f"Restricted case {row.id}'s key was given to {excluded[recipient]}, whom it is "
                "kept from."
            )
            continue
        problem = wrap_signer_problem(signed_in, row.id, recipient, wrap, committed.kept_from)
        if problem:
            problems.append(
                f"Restricted case {row.id}: the key given to {recipient} was changed outside "
                f"the app ({problem})."
            )
    me = recipient_of(signed_in.account.username)
    if me not in excluded and me not in wraps and signed_in.keys is not None:
        problems.append(
            f"Restricted case {row.id}: this account's key to it was removed outside the app "
            "(it is not kept from this account)."
        )
    return problems


# -- settling ------------------------------------------------------------------------------


@open_to_every_role("every session: a DSL's for everyone, others' for themselves")
def settle_case_keys(
    signed_in: SignedIn,
    also: list[tuple[str, PrivateKeys]] | None = None,
    held: dict[int, bytearray] | None = None,
) -> int:
    """Wrap each case key this account can reach (its own wraps, ``also``: the recovery key
    during a recovery sign-in or the keys a password change replaced, ``held``: keys open in
    this session) to the accounts that may see the case and whose keys it does not yet reach
    (or whose wrap does not hold), and drop the wraps of accounts that left. A DSL does this
    for everyone; any other account for itself. Whom a case is kept from is its commitment's,
    never the document's. Returns the cases changed. It never opens the room, so it is quick
    enough for every sign-in."""
    if signed_in.keys is None:
        return 0
    database = signed_in.database
    with database.reading() as school:
        if not school.scalar(select(SealedCase.id).limit(1)):
            return 0  # no restricted cases (most schools, most days): nothing to read
    me = recipient_of(signed_in.account.username)
    everyone = signed_in.account.role in (Role.DSL, Role.DEPUTY_DSL)
    openers = [(me, signed_in.keys), *(also or [])]
    changed = 0
    with database.transaction() as school:
        for row in list(school.scalars(select(SealedCase))):
            committed = commitment(school, row.id)
            if committed is None:
                continue  # named by verify; nothing is given for it
            old = wraps_of(row)
            key = held.get(row.id) if held else None
            key = key if key is not None else _open_with(database.database_id, row, old, openers)
            if key is None or key_hash(key) != committed.key:
                continue
            wanted = wrap_all(signed_in, row.id, key, committed.kept_from, old)
            if not everyone:
                wanted = {**old, me: wanted[me]} if me in wanted else old
            if wanted != old:
                row.keys = json.dumps(wanted, sort_keys=True)
                signed_in.record(
                    school,
                    KEYS_GIVEN,
                    subject_type=SUBJECT,
                    subject_id=row.id,
                    details={
                        "to": sorted(k for k in wanted if wanted[k] != old.get(k)),
                        "dropped": sorted(set(old) - set(wanted)),
                    },
                )
                changed += 1
    return changed


def _open_with(
    database_id: str,
    row: SealedCase,
    wraps: dict[str, Any],
    openers: list[tuple[str, PrivateKeys]],
) -> bytearray | None:
    """The case key, if one of ``openers`` holds it (and it opens the document)."""
    for recipient, keys in openers:
        raw = wraps.get(recipient)
        if raw is None:
            continue
        try:
            key = keys.unwrap(
                WrappedKey.from_json(raw), case_key_context(database_id, row.id, recipient)
            )
            open_document(key, database_id, row.id, row.sealed)
        except (WrongKeys, ValueError, KeyError, TypeError):
            continue
        return key
    return None

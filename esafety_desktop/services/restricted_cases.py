"""Restricted cases: kept from the accounts they must be kept from, by cryptography and not only
by the window.

Each restricted case is sealed under its own key (storage/case_room.py), wrapped to every
account that may see it and to the recovery key, never to an account it is kept from. The
services reach a restricted case through :func:`store_for` (by its id, negative for a restricted
case) or :func:`every_store` (the school database, then the room of restricted cases this
account holds), so the same code reads and writes every case.

Audit entries about a restricted case keep only "a restricted case was changed" in clear; what
was done is sealed under the case key, and also kept in the case's own history.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from esafety_desktop.domain.roles import Permission, Role, can
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.school_keys import roster_state
from esafety_desktop.storage import audit, history
from esafety_desktop.storage.case_room import (
    CASE_NUMBER,
    FORMAT,
    CaseRoom,
    case_key_context,
    case_number,
    case_rows,
    document_associated,
    key_statement,
    open_document,
    seal_document,
    search_text,
)
from esafety_desktop.storage.key_file import RECOVERY_SIGNER, recipient_of
from esafety_desktop.storage.keypairs import (
    PrivateKeys,
    WrappedKey,
    WrongKeys,
    b64,
    canonical,
    seal,
    signature_holds,
    unb64,
    unseal,
    wrap_key,
)
from esafety_desktop.storage.models import Account, SealedCase

log = logging.getLogger(__name__)

CHANGED = "restricted_case.changed"  # the one action an audit entry shows in clear
SUBJECT = "restricted_case"
_STATE = "_restricted_cases"


@dataclass
class _Held:
    key: bytearray
    document: dict[str, Any]


@dataclass
class RestrictedCases:
    """The restricted cases one signed-in account holds, open in a room in memory."""

    signed_in: SignedIn
    room: CaseRoom = field(default_factory=CaseRoom)
    held: dict[int, _Held] = field(default_factory=dict)
    not_held: set[int] = field(default_factory=set)  # cases this account has no key for
    # Cases this account holds a key for but will not open: altered outside the app.
    problems: dict[int, str] = field(default_factory=dict)

    @property
    def me(self) -> str:
        return recipient_of(self.signed_in.account.username)

    def refresh(self, *, writing: bool = False) -> None:
        """Bring the room up to date with the school database: the register's copy when
        anything was saved since (only once there are restricted cases, or one is being
        made), and each case whose version changed."""
        database = self.signed_in.database
        with database.reading() as school:
            versions = {n: v for n, v in school.execute(select(SealedCase.id, SealedCase.version))}
            if versions or writing:
                mark = audit.newest(school)
                if mark != self.room.reference_mark:
                    self.room.copy_reference(school)
                    self.room.reference_mark = mark
            changed = [n for n, v in versions.items() if self.room.versions.get(n) != v]
            for number in changed:
                row = school.get(SealedCase, number)
                assert row is not None
                self._load(row)
        for number in [n for n in self.held if n not in versions]:
            self.room.drop_case(number)
            self.held.pop(number)
        self.not_held &= set(versions)

    def _load(self, row: SealedCase) -> None:
        key = self._unwrap(row, self.me, self.signed_in.keys)
        if key is None:
            self.not_held.add(row.id)
            return
        try:
            document = open_document(key, self.signed_in.database.database_id, row.id, row.sealed)
            problem = _untrusted(self.signed_in, row, key, document)
            if problem is not None:
                self.problems[row.id] = problem
                self.not_held.add(row.id)
                return
            self.room.put_case(row.id, row.version, document)
        except (WrongKeys, ValueError, KeyError, TypeError) as exc:
            log.warning("Restricted case %s could not be opened (%s)", row.id, type(exc).__name__)
            self.not_held.add(row.id)
            return
        self.not_held.discard(row.id)
        self.held[row.id] = _Held(key, document)

    def _unwrap(
        self, row: SealedCase, recipient: str, keys: PrivateKeys | None
    ) -> bytearray | None:
        if keys is None:
            return None
        raw = _wraps(row).get(recipient)
        if raw is None:
            return None
        context = case_key_context(self.signed_in.database.database_id, row.id, recipient)
        try:
            return keys.unwrap(WrappedKey.from_json(raw), context)
        except (WrongKeys, ValueError, KeyError, TypeError):
            return None

    def close(self) -> None:
        for held in self.held.values():
            held.key[:] = bytes(len(held.key))
        self.held.clear()
        self.room.close()


def state_of(signed_in: SignedIn, *, writing: bool = False) -> RestrictedCases:
    """This session's restricted cases, opened the first time they are needed."""
    state: RestrictedCases | None = getattr(signed_in, _STATE, None)
    if state is None:
        state = RestrictedCases(signed_in)
        setattr(signed_in, _STATE, state)
        signed_in.database.closing.append(state.close)
    state.refresh(writing=writing)
    return state


def left_out(signed_in: SignedIn) -> int:
    """How many restricted cases this account cannot open (so a printout can say so)."""
    return len(state_of(signed_in).not_held)


def held_count(signed_in: SignedIn) -> int:
    return len(state_of(signed_in).held)


# -- reaching a case -----------------------------------------------------------------------


class CaseStore:
    """One restricted case's way in, with the school database's ``reading``/``transaction``."""

    def __init__(
        self, state: RestrictedCases, number: int | None, kept_from: list[str] | None = None
    ):
        self.state = state
        self.number = number
        self.kept_from = kept_from  # a new case's, before it has a number

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.state.room.session(self.number) as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        state = self.state
        room = state.room
        if room.busy_here():  # a service called by another: the caller's session seals it
            with room.session(self.number, writing=True) as session:
                yield session
            return
        saved = False
        with room.session(self.number, writing=True) as session:
            try:
                with state.signed_in.database.transaction() as school:
                    if self.number is None:
                        self.number = _new_case(state, school, self.kept_from or [])
                        session.info[CASE_NUMBER] = self.number
                    yield session
                    session.flush()
                    _seal_changes(state, school, session, self.number)
                saved = True
            finally:
                room.finish(session, saved)
                if not saved:
                    state.room.reference_mark = None
                    for number in room.touched(session) | {self.number or 0}:
                        state.room.versions.pop(number, None)  # reloaded as it is on disk


def store_for(signed_in: SignedIn, incident_id: int) -> Any:
    """Where a case lives: the school database, or (a negative id) this account's room."""
    if incident_id >= 0:
        return signed_in.database
    state = state_of(signed_in, writing=True)
    number = case_number(incident_id)
    if number not in state.held:
        raise InvalidInput("That incident does not exist.")
    return CaseStore(state, number)


def new_restricted_case(signed_in: SignedIn, kept_from: list[str]) -> CaseStore:
    """A store whose first transaction makes a new restricted case, kept from ``kept_from``
    (account names)."""
    if signed_in.keys is None:
        raise InvalidInput(
            "A restricted case needs the school's keys for each account: a DSL signs in first "
            "to upgrade the school's key file."
        )
    if recipient_of(signed_in.account.username) in {recipient_of(k) for k in kept_from}:
        raise InvalidInput("A case about you must be recorded by someone else: ask the deputy DSL.")
    return CaseStore(state_of(signed_in, writing=True), None, kept_from)


def every_store(signed_in: SignedIn) -> Iterator[Session]:
    """Reading sessions on the school database, then on this account's restricted cases."""
    with signed_in.database.reading() as session:
        yield session
    state = state_of(signed_in)
    if state.held:
        with state.room.session() as session:
            yield session


# -- sealing -------------------------------------------------------------------------------


def _wraps(row: SealedCase) -> dict[str, Any]:
    try:
        raw = json.loads(row.keys)
    except ValueError:
        return {}
    return raw if isinstance(raw, dict) else {}


def _recipients(signed_in: SignedIn, kept_from: list[str]) -> dict[str, bytes]:
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


def _wrap_all(
    signed_in: SignedIn, number: int, key: bytearray, kept_from: list[str], old: dict[str, Any]
) -> dict[str, Any]:
    """The case key's wraps: kept where the recipient's key is unchanged, made where new."""
    wraps: dict[str, Any] = {}
    for recipient, public in _recipients(signed_in, kept_from).items():
        existing = old.get(recipient)
        if isinstance(existing, dict) and existing.get("recipient") == b64(public):
            wraps[recipient] = existing
            continue
        context = case_key_context(signed_in.database.database_id, number, recipient)
        wraps[recipient] = wrap_key(key, public, context).to_json()
    return wraps


def _new_case(state: RestrictedCases, school: Session, kept_from: list[str]) -> int:
    row = SealedCase(version=0, sealed=b"", keys="{}")
    school.add(row)
    school.flush()
    key = bytearray(secrets.token_bytes(32))
    wraps = _wrap_all(state.signed_in, row.id, key, kept_from, {})
    if state.me not in wraps:
        raise InvalidInput("This account is not on the school's signed list of accounts.")
    row.keys = json.dumps(wraps, sort_keys=True)
    state.held[row.id] = _Held(
        key,
        {
            "format": FORMAT,
            "kept_from": sorted(kept_from),
            "sealed_by": signed_statement(state.signed_in, row.id, key, kept_from),
            "history": [],
        },
    )
    return row.id


def _seal_changes(
    state: RestrictedCases, school: Session, session: Session, number: int | None
) -> None:
    """Seal again every case the room session changed, with its history, into the school
    database's transaction; the audit log gets one generic entry for each entry the work wrote."""
    entries = session.info.pop(audit.PENDING_ENTRIES, [])
    touched = state.room.touched(session) | ({number} if number else set())
    signed_in = state.signed_in
    for each in sorted(touched):
        held = state.held.get(each)
        if held is None:
            raise InvalidInput("That incident does not exist.")
        mine = (
            [e for e in entries if _entry_case(e) in (each, None)] if len(touched) > 1 else entries
        )
        history = list(held.document.get("history", []))
        database_id = signed_in.database.database_id
        for entry in mine:
            said = {
                "at": entry.occurred_at,
                "actor": entry.actor_name,
                "account": signed_in.account.username,
                "action": entry.action,
                "details": json.loads(entry.details) if entry.details else None,
            }
            history.append(said)
            audit.append(
                school,
                actor_id=entry.actor_id,
                actor_name=entry.actor_name,
                action=CHANGED,
                subject_type=SUBJECT,
                subject_id=each,
                details={
                    "sealed": b64(
                        seal(held.key, canonical(said), document_associated(database_id, each))
                    )
                },
            )
        document = {
            "format": FORMAT,
            "kept_from": held.document.get("kept_from", []),
            "sealed_by": held.document.get("sealed_by"),
            "tables": case_rows(session, -each),
            "search": search_text(session, -each),
            "history": history,
        }
        row = school.get(SealedCase, each)
        assert row is not None
        row.sealed = seal_document(held.key, database_id, each, document)
        row.version += 1
        held.document = document
        state.room.versions[each] = row.version
    if not touched and entries:
        for entry in entries:  # work in the room that wrote no case (a refusal): kept as it was
            school.add(entry)


@dataclass(frozen=True)
class CaseProblems:
    problems: list[str]
    not_held: int


def case_problems(signed_in: SignedIn) -> CaseProblems:
    """For ``verify``: restricted cases whose seal does not open with the key this account
    holds, or whose key was given to an account the case is kept from."""
    state = state_of(signed_in)
    problems: list[str] = []
    with signed_in.database.reading() as school:
        rows = [(r.id, r.sealed, r.keys) for r in school.scalars(select(SealedCase))]
    for number, sealed, keys in rows:
        row = SealedCase(id=number, version=0, sealed=sealed, keys=keys)
        key = state._unwrap(row, state.me, signed_in.keys)
        if key is None:
            continue
        try:
            document = open_document(key, signed_in.database.database_id, row.id, row.sealed)
        except (WrongKeys, ValueError, KeyError, TypeError):
            problems.append(
                f"Restricted case {row.id} does not open with its key: it was changed outside "
                "the app."
            )
            continue
        given = set(_wraps(row))
        for name in document.get("kept_from", []):
            if recipient_of(name) in given:
                problems.append(
                    f"Restricted case {row.id}'s key was given to {name}, whom it is kept from."
                )
    problems += [p for p in state.problems.values() if p not in problems]
    return CaseProblems(problems, len(state.not_held) - len(state.problems))


def opened_entry(
    signed_in: SignedIn, number: int, details: dict[str, Any]
) -> dict[str, Any] | None:
    """What a generic audit entry about restricted case ``number`` says inside its seal, for
    an account that holds the case's key (None for any other)."""
    state = state_of(signed_in)
    held = state.held.get(number)
    sealed = details.get("sealed")
    if held is None or not isinstance(sealed, str):
        return None
    associated = document_associated(signed_in.database.database_id, number)
    try:
        said = json.loads(unseal(held.key, unb64(sealed), associated))
    except (WrongKeys, ValueError):
        return None
    return said if isinstance(said, dict) else None


def reference_of(signed_in: SignedIn, number: int) -> str | None:
    state = state_of(signed_in)
    held = state.held.get(number)
    if held is None:
        return None
    rows = held.document.get("tables", {}).get("incident", [])
    return str(rows[0]["reference"]) if rows else None


def signed_statement(
    signed_in: SignedIn, number: int, key: bytes | bytearray, kept_from: list[str]
) -> dict[str, str]:
    """The restricting account's signature over the case key and whom it is kept from."""
    keys = signed_in.keys
    assert keys is not None
    message = key_statement(signed_in.database.database_id, number, key, kept_from)
    return {"account": signed_in.account.username, "signature": b64(keys.sign(message))}


def _untrusted(
    signed_in: SignedIn, row: SealedCase, key: bytes | bytearray, document: dict[str, Any]
) -> str | None:
    """Why a restricted case that opens must still not be trusted, or None. Its key and the
    accounts it is kept from must be signed by an account that may record cases (never by one
    it is kept from), and the row must be as the app last sealed it."""
    database = signed_in.database
    said = f"Restricted case {row.id} was changed outside the app"
    sealed_by = document.get("sealed_by")
    if not isinstance(sealed_by, dict):
        return f"{said}: nobody signed for its key."
    signer = str(sealed_by.get("account", ""))
    kept_from = [str(k) for k in document.get("kept_from", [])]
    slots = database.key_slots
    state = roster_state(slots)
    member = state.members.get(signer) if state is not None else None
    if member is None or not can(Role(member.role), Permission.RECORD_INCIDENTS):
        return f"{said}: its key was signed by {signer or 'nobody'}, who may not record cases."
    if signer in kept_from:
        return f"{said}: its key was signed by {signer}, whom it is kept from."
    message = key_statement(database.database_id, row.id, key, kept_from)
    try:
        signature = unb64(str(sealed_by.get("signature", "")))
    except ValueError:
        return f"{said}: the signature on its key does not hold."
    known = history.signers_from_roster(slots.signed.entries, RECOVERY_SIGNER).get(signer, [])
    if not any(signature_holds(public, message, signature) for public in known):
        return f"{said}: the signature on its key does not hold."
    with database.reading() as school:
        if history.row_differs_from_seal(school, SealedCase.__tablename__, str(row.id)):
            return f"{said}: it is not as the app last saved it."
    return None


def _entry_case(entry: Any) -> int | None:
    try:
        return case_number(int(entry.subject_id)) if entry.subject_type == "incident" else None
    except (TypeError, ValueError):
        return None


# -- keys for accounts that joined, renewed their keys, or left ---------------------------


def settle_case_keys(signed_in: SignedIn, also: list[tuple[str, PrivateKeys]] | None = None) -> int:
    """Wrap each case key this account holds (or that ``also`` opens: the recovery key during a
    recovery sign-in) to the accounts that may see the case and whose keys it does not yet
    reach, and drop the wraps of accounts that left. A DSL does this for everyone; any other
    account for itself (its keys renewed by a password change). Returns the cases changed.

    It runs at every sign-in, so it does not open the room: only the case keys and each case's
    list of accounts it is kept from."""
    if signed_in.keys is None:
        return 0
    me = recipient_of(signed_in.account.username)
    database = signed_in.database
    with database.reading() as school:
        if not school.scalar(select(SealedCase.id).limit(1)):
            return 0  # no restricted cases (most schools, most days): nothing to read
    everyone = signed_in.account.role in (Role.DSL, Role.DEPUTY_DSL)
    openers = [(me, signed_in.keys), *(also or [])]
    # Cases open in this session: their keys are at hand even after this account's keys were
    # renewed (a password change wraps them to the new keys here).
    state: RestrictedCases | None = getattr(signed_in, _STATE, None)
    held = state.held if state is not None else {}
    changed = 0
    with database.transaction() as school:
        for row in list(school.scalars(select(SealedCase))):
            old = _wraps(row)
            opened = (
                (bytearray(held[row.id].key), list(held[row.id].document.get("kept_from", [])))
                if row.id in held
                else _open_with(database.database_id, row, old, openers)
            )
            if opened is None:
                continue
            key, kept_from = opened
            wanted = _wrap_all(signed_in, row.id, key, kept_from, old)
            key[:] = bytes(len(key))
            if not everyone:
                wanted = {**old, me: wanted[me]} if me in wanted else old
            if wanted != old:
                row.keys = json.dumps(wanted, sort_keys=True)
                signed_in.record(
                    school,
                    "restricted_case.keys_given",
                    subject_type=SUBJECT,
                    subject_id=row.id,
                    details={
                        "to": sorted(k for k in wanted if wanted[k] != old.get(k)),
                        "dropped": sorted(set(old) - set(wanted)),
                    },
                )
                changed += 1
    if changed and state is not None:
        state.room.versions.clear()  # opened again with the keys as they are now
    return changed


def _open_with(
    database_id: str,
    row: SealedCase,
    wraps: dict[str, Any],
    openers: list[tuple[str, PrivateKeys]],
) -> tuple[bytearray, list[str]] | None:
    """The case key and the accounts the case is kept from, if one of ``openers`` holds it."""
    for recipient, keys in openers:
        raw = wraps.get(recipient)
        if raw is None:
            continue
        try:
            key = keys.unwrap(
                WrappedKey.from_json(raw), case_key_context(database_id, row.id, recipient)
            )
            document = open_document(key, database_id, row.id, row.sealed)
        except (WrongKeys, ValueError, KeyError, TypeError):
            continue
        return key, [str(k) for k in document.get("kept_from", [])]
    return None


def account_names(session: Session, ids: list[int]) -> list[str]:
    return list(session.scalars(select(Account.username).where(Account.id.in_(ids))))

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

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from esafety_desktop.domain.clock import SystemClock
from esafety_desktop.errors import InvalidInput, ProblemForUser
from esafety_desktop.services import restricted_keys
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.restricted_keys import (
    CHANGED,
    SUBJECT,
    commitment,
    commitment_details,
    next_number,
    untrusted,
    wrap_all,
    wrap_problems,
    wraps_of,
)
from esafety_desktop.storage import audit
from esafety_desktop.storage.case_room import (
    CASE_NUMBER,
    FORMAT,
    CaseRoom,
    case_key_context,
    case_number,
    case_rows,
    document_associated,
    open_document,
    seal_document,
    search_text,
)
from esafety_desktop.storage.key_file import recipient_of
from esafety_desktop.storage.keypairs import (
    PrivateKeys,
    WrappedKey,
    WrongKeys,
    b64,
    canonical,
    seal,
    unb64,
    unseal,
)
from esafety_desktop.storage.models import Account, AuditEntry, SealedCase

log = logging.getLogger(__name__)

_STATE = "_restricted_cases"


@dataclass
class _Held:
    key: bytearray
    document: dict[str, Any]
    new: bool = False  # made in the transaction under way: its first entry commits to the key


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
                mark = _register_mark(school)
                if mark != self.room.reference_mark:
                    self.room.copy_reference(school)
                    self.room.reference_mark = mark
            changed = [n for n, v in versions.items() if self.room.versions.get(n) != v]
            for number in changed:
                row = school.get(SealedCase, number)
                assert row is not None
                self._load(school, row)
        for number in [n for n in self.held if n not in versions]:
            self.room.drop_case(number)
            self.held.pop(number)
        self.not_held &= set(versions)

    def _load(self, school: Session, row: SealedCase) -> None:
        key = self._unwrap(row, self.me, self.signed_in.keys)
        problem: str | None = None
        document: dict[str, Any] = {}
        if key is not None:
            try:
                document = open_document(
                    key, self.signed_in.database.database_id, row.id, row.sealed
                )
            except (WrongKeys, ValueError, KeyError, TypeError):
                problem = (
                    f"Restricted case {row.id} does not open with its key: it was changed "
                    "outside the app."
                )
            else:
                problem = untrusted(self.signed_in, school, row, key, document)
        if key is None or problem is not None:
            # Not opened, and nothing of it kept open: no work is written into a case that
            # is not what the app last saved.
            self.room.drop_case(row.id)
            self.held.pop(row.id, None)
            self.not_held.add(row.id)
            if problem is not None:
                log.warning("Restricted case %s is not opened: %s", row.id, problem)
                self.problems[row.id] = problem
            return
        try:
            self.room.put_case(row.id, row.version, document)
        except (ValueError, KeyError, TypeError) as exc:
            self.problems[row.id] = (
                f"Restricted case {row.id} could not be opened ({type(exc).__name__})."
            )
            self.room.drop_case(row.id)
            self.held.pop(row.id, None)
            self.not_held.add(row.id)
            return
        self.problems.pop(row.id, None)
        self.not_held.discard(row.id)
        self.held[row.id] = _Held(key, document)

    def _unwrap(
        self, row: SealedCase, recipient: str, keys: PrivateKeys | None
    ) -> bytearray | None:
        if keys is None:
            return None
        raw = wraps_of(row).get(recipient)
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


def _register_mark(school: Session) -> object:
    """What the room's copy of the register, accounts and settings is of: it is copied again
    only when one of them changed (not after every save: a school's register is thousands of
    rows, copied in a few milliseconds, but not on every keystroke's search)."""
    return tuple(
        school.execute(
            text(
                "SELECT (SELECT count(*) || '/' || ifnull(max(id), 0) || '/' || "
                "ifnull(max(updated_at), '') FROM person), "
                "(SELECT count(*) || '/' || count(removed_at) || '/' || ifnull(max(id), 0) || "
                "'/' || group_concat(role) FROM account), "
                "(SELECT count(*) || '/' || ifnull(sum(length(value)), 0) FROM school_setting), "
                "(SELECT count(*) || '/' || ifnull(max(id), 0) FROM person_link)"
            )
        ).one()
    )


@open_to_every_role("the restricted cases this account holds the keys to")
def state_of(signed_in: SignedIn, *, writing: bool = False) -> RestrictedCases:
    """This session's restricted cases, opened the first time they are needed."""
    state: RestrictedCases | None = getattr(signed_in, _STATE, None)
    if state is None:
        state = RestrictedCases(signed_in)
        setattr(signed_in, _STATE, state)
        signed_in.database.closing.append(state.close)
    state.refresh(writing=writing)
    return state


@open_to_every_role("a count of cases this account cannot open")
def left_out(signed_in: SignedIn) -> int:
    """How many restricted cases this account cannot open (so a printout can say so)."""
    return len(state_of(signed_in).not_held)


@open_to_every_role("a count of cases this account holds")
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


@open_to_every_role("where a case lives; the services that use it check")
def store_for(signed_in: SignedIn, incident_id: int) -> Any:
    """Where a case lives: the school database, or (a negative id) this account's room."""
    if incident_id >= 0:
        return signed_in.database
    state = state_of(signed_in, writing=True)
    number = case_number(incident_id)
    if number in state.problems:  # this account holds it, but it was changed outside the app
        raise CaseAltered(state.problems[number])
    if number not in state.held:
        raise InvalidInput("That incident does not exist.")
    return CaseStore(state, number)


class CaseAltered(ProblemForUser):
    """A restricted case this account may open was changed outside the app: not opened."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            f"{problem} It is not opened, so nothing is written into it.",
            "Run Verify (Settings › Database) to see what else was changed, and restore the "
            "newest good backup; tell the chair of governors, as someone with access to the "
            "database may have tried to read or undo this case.",
        )


@open_to_every_role("recording_incident checks RECORD_INCIDENTS first")
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


@open_to_every_role("the cases this account may see")
def every_store(signed_in: SignedIn) -> Iterator[Session]:
    """Reading sessions on the school database, then on this account's restricted cases."""
    with signed_in.database.reading() as session:
        yield session
    state = state_of(signed_in)
    if state.held:
        with state.room.session() as session:
            yield session


# -- sealing -------------------------------------------------------------------------------


def _new_case(state: RestrictedCases, school: Session, kept_from: list[str]) -> int:
    row = SealedCase(id=next_number(school), version=0, sealed=b"", keys="{}")
    school.add(row)
    school.flush()
    key = bytearray(secrets.token_bytes(32))
    wraps = wrap_all(state.signed_in, row.id, key, kept_from, {})
    if state.me not in wraps:
        raise InvalidInput("This account is not on the school's signed list of accounts.")
    row.keys = json.dumps(wraps, sort_keys=True)
    document = {"format": FORMAT, "kept_from": sorted(kept_from), "changes": 0, "history": []}
    state.held[row.id] = _Held(key, document, new=True)
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
        if held.new and not mine:  # the entry that commits to the key is never missing
            mine = [
                AuditEntry(
                    occurred_at=SystemClock().now().isoformat(timespec="microseconds"),
                    actor_id=signed_in.account.id,
                    actor_name=signed_in.account.display_name,
                    action="incident.restricted",
                    details=audit.canonical_details(None),
                )
            ]
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
                    ),
                    **(
                        commitment_details(held.key, held.document["kept_from"]) if held.new else {}
                    ),
                },
            )
            held.new = False
        document = {
            "format": FORMAT,
            "kept_from": held.document.get("kept_from", []),
            "changes": int(held.document.get("changes", 0)) + len(mine),
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


@open_to_every_role("verify checks VERIFY_DATABASE first")
def case_problems(signed_in: SignedIn) -> CaseProblems:
    """For ``verify``: restricted cases deleted, restricted by nobody, given to an account they
    are kept from, with a wrap nobody may have made or this account's own wrap gone, and (for
    the cases this account holds a key to) not opening or not as the app last saved them."""
    state = state_of(signed_in)
    problems: list[str] = []
    with signed_in.database.reading() as school:
        rows = list(school.scalars(select(SealedCase)))
        named = {
            int(s)
            for s in school.scalars(
                select(AuditEntry.subject_id).where(AuditEntry.subject_type == SUBJECT).distinct()
            )
            if s and s.isdigit()
        }
        for number in sorted(named - {r.id for r in rows}):
            problems.append(f"Restricted case {number} was deleted outside the app.")
        for row in rows:
            committed = commitment(school, row.id)
            if committed is None:
                problems.append(
                    f"Restricted case {row.id} was changed outside the app: the audit log has "
                    "no entry that restricted it."
                )
                continue
            problems += wrap_problems(signed_in, row, committed)
    problems += [p for p in state.problems.values() if p not in problems]
    return CaseProblems(problems, len(state.not_held - set(state.problems)))


@open_to_every_role("audit_entries checks VIEW_AUDIT_LOG first")
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


@open_to_every_role("a case this account holds")
def reference_of(signed_in: SignedIn, number: int) -> str | None:
    state = state_of(signed_in)
    held = state.held.get(number)
    if held is None:
        return None
    rows = held.document.get("tables", {}).get("incident", [])
    return str(rows[0]["reference"]) if rows else None


@open_to_every_role("every session: a DSL's for everyone, others' for themselves")
def settle_case_keys(signed_in: SignedIn, also: list[tuple[str, PrivateKeys]] | None = None) -> int:
    """``restricted_keys.settle_case_keys``, with the keys open in this session."""
    state: RestrictedCases | None = getattr(signed_in, _STATE, None)
    held = {n: h.key for n, h in state.held.items()} if state is not None else None
    changed = restricted_keys.settle_case_keys(signed_in, also, held)
    if changed and state is not None:
        state.room.versions.clear()  # opened again with the keys as they are now
    return changed


def _entry_case(entry: Any) -> int | None:
    try:
        return case_number(int(entry.subject_id)) if entry.subject_type == "incident" else None
    except (TypeError, ValueError):
        return None


# -- keys for accounts that joined, renewed their keys, or left ---------------------------


def account_names(session: Session, ids: list[int]) -> list[str]:
    return list(session.scalars(select(Account.username).where(Account.id.in_(ids))))

"""Signed history: who wrote what, checkable without trusting the database.

Every audit entry is signed (Ed25519) by the account whose session wrote it, against the keys
the signed roster gives that account. The last entry of each transaction also carries the hash
of the rows the transaction wrote, and ``row_seal`` keeps each row's hash as it was left. So
``verify`` can say, of an edit made outside the app with the data key and raw SQL:

* which record of which table no longer matches the newest seal written for it;
* which row was added, or removed, with no seal at all;
* which seals were slipped in without the signed entry that owns them matching;
* which entry is not signed by an account on the roster.

Sealing begins with the first signed session (``records_sealed_from``: every row is sealed
then, in one entry); the unsigned entries before it are covered by the hash chain the first
signed entry continues.

Tables not sealed: the audit log and the seals themselves (append-only, chained), wizard drafts
(work in progress, replaced as the DSL types), and the search index (made from sealed rows).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, event, func, insert, select
from sqlalchemy.orm import Session

from esafety_desktop.errors import ProblemForUser
from esafety_desktop.storage import audit
from esafety_desktop.storage.keypairs import PrivateKeys, b64, signature_holds, unb64
from esafety_desktop.storage.models import Account, AuditEntry, Base, RowSeal, SchoolSetting

NOT_SEALED = frozenset({"audit_entry", "row_seal", "incident_draft"})
# Rows the app never changes once written (a correction is a new row): a second seal with
# other content means the row was rewritten outside the app, however the seals were forged.
NEVER_CHANGED = frozenset({"roster_record", "incident_entry", "evidence", "aup_signature"})
# The entry that moves a case into a seal of its own (services/restricting.py): the one
# transaction that removes rows the app otherwise never removes.
SEALED_AWAY = "restricted_case.sealed"
SEALED_FROM_SETTING = "records_sealed_from"
DELETED = "deleted"
SIGNED_PREFIX = b"esafety-desktop/audit/v2\n"
_WRITTEN = "esafety_rows_written"
_CARRIED = "esafety_seals_carried"  # the seals each pending entry carries, by its sequence
_BATCH = 500


@dataclass
class Signer:
    """The account whose session signs the audit entries it writes."""

    name: str
    keys: PrivateKeys
    database_id: str

    def signature(self, entry_hash: str) -> str:
        return b64(self.keys.sign(signed_message(self.database_id, entry_hash)))


def signed_message(database_id: str, entry_hash: str) -> bytes:
    return SIGNED_PREFIX + f"{database_id}\n{entry_hash}".encode()


def sealed_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_SEALED]


# -- while a transaction runs -------------------------------------------------------------


def watch(session: Session) -> None:
    """Note every row the session writes (by the ORM, which is how the app writes)."""
    event.listen(session, "after_flush", _note_written)


def _note_written(session: Session, _context: Any) -> None:
    written: dict[tuple[str, str], bool] = session.info.setdefault(_WRITTEN, {})
    for instances, deleted in (
        (session.new, False),
        (session.dirty, False),
        (session.deleted, True),
    ):
        for instance in instances:
            table = instance.__table__.name
            if table in NOT_SEALED:
                continue
            mapper = instance.__mapper__
            key = _key(mapper.primary_key_from_instance(instance))
            written[(table, key)] = deleted


def seal_written(session: Session, signer_name: str | None, *, begun: bool = False) -> bool:
    """Just before the commit: seal the rows this transaction wrote, on its last audit entry
    (one is added, "Records saved", if the work wrote none). Nothing is sealed before sealing
    has begun (a school not yet upgraded to per-account keys); ``begun`` says it has, as the
    last call returned (it never stops once begun), so the setting is not read every time."""
    session.flush()
    written: dict[tuple[str, str], bool] = session.info.pop(_WRITTEN, {})
    if not written:
        return begun
    if not begun and _sealed_from(session) is None:
        return False
    entries = audit.pending(session)
    if not entries:
        audit.append(
            session,
            actor_id=None,
            actor_name=signer_name or "eSafety Desktop",
            action="records.saved",
        )
        entries = audit.pending(session)
    _add_seals(session, entries[-1], _hashes(session, written))
    return True


def _add_seals(session: Session, entry: AuditEntry, seals: dict[tuple[str, str], str]) -> None:
    """Seal rows on a pending ``entry``; its ``rows_hash`` covers every seal it carries (a
    row sealed twice in one transaction counts as its later seal, as ``verify`` reads it)."""
    carried: dict[int, dict[tuple[str, str], str]] = session.info.setdefault(_CARRIED, {})
    mine = carried.setdefault(entry.sequence, {})
    rows = [
        {"sequence": entry.sequence, "table_name": t, "row_key": k, "content_hash": h}
        for (t, k), h in sorted(seals.items())
    ]
    if rows:
        session.execute(insert(RowSeal), rows)  # one statement: a school's whole roll at once
    mine.update(seals)
    entry.rows_hash = rows_hash(mine)


def begin_sealing(session: Session) -> int | None:
    """Seal every row as it is now, on a pending audit entry the caller has appended (the first
    signed session). Returns how many rows, or None if sealing had begun already."""
    if _sealed_from(session) is not None:
        return None
    if _signed_before(session):
        raise HistoryAltered()
    entries = audit.pending(session)
    assert entries, "record the entry that seals everything first"
    last = entries[-1]
    session.merge(SchoolSetting(key=SEALED_FROM_SETTING, value=json.dumps(last.sequence)))
    session.flush()
    session.info.pop(_WRITTEN, None)  # everything is sealed below, the setting included
    seals: dict[tuple[str, str], str] = {}
    for each in sealed_tables():
        seals.update(_table_hashes(session, each))
    _add_seals(session, last, seals)
    return len(seals)


def rows_hash(seals: dict[tuple[str, str], str]) -> str:
    listed = [[table, key, content] for (table, key), content in sorted(seals.items())]
    return hashlib.sha256(_canonical(listed)).hexdigest()


# -- checking ---------------------------------------------------------------------------


def check(session: Session, database_id: str, signers: dict[str, list[bytes]]) -> list[str]:
    """Every place the signed history and the records disagree, in words. ``signers`` gives
    each account's Ed25519 public keys over time (and the recovery key's), from the roster."""
    since = _sealed_from(session)
    if since is None:
        return [HistoryAltered.found] if _signed_before(session) else []
    problems: list[str] = []
    by_sequence: dict[int, dict[tuple[str, str], str]] = {}
    newest_seal: dict[tuple[str, str], str] = {}
    rewritten: set[tuple[str, str]] = set()
    moves = set(
        session.scalars(select(AuditEntry.sequence).where(AuditEntry.action == SEALED_AWAY))
    )
    for seal in session.scalars(select(RowSeal).order_by(RowSeal.id)):
        by_sequence.setdefault(seal.sequence, {})[(seal.table_name, seal.row_key)] = (
            seal.content_hash
        )
        row = (seal.table_name, seal.row_key)
        moved = seal.content_hash == DELETED and seal.sequence in moves
        if (
            seal.table_name in NEVER_CHANGED
            and not moved
            and newest_seal.get(row, seal.content_hash) != seal.content_hash
        ):
            rewritten.add(row)
        newest_seal[row] = seal.content_hash
    names = dict(session.execute(select(Account.id, Account.username)).all())
    for entry in session.scalars(
        select(AuditEntry).where(AuditEntry.sequence >= since).order_by(AuditEntry.sequence)
    ):
        problems += _entry_problems(
            entry, database_id, signers, by_sequence.pop(entry.sequence, {})
        )
        actor = names.get(entry.actor_id) if entry.actor_id is not None else None
        if entry.actor_id is None and entry.signer and not _may_have_no_actor(entry):
            problems.append(
                f"Audit entry {entry.sequence} ({entry.action}, {entry.occurred_at[:10]}) names "
                f"{entry.actor_name} but no account, and was signed by {entry.signer}: it was "
                "written outside the app."
            )
        if entry.actor_id is not None and entry.signer and entry.signer != actor:
            problems.append(
                f"Audit entry {entry.sequence} ({entry.action}, {entry.occurred_at[:10]}) names "
                f"{entry.actor_name} but was signed by {entry.signer}: it was written outside "
                "the app."
            )
    for sequence in sorted(by_sequence, key=str):
        problems.append(
            f"Seals of records were added for audit entry {sequence}, which does not exist: "
            "the database was altered outside the app."
        )
    for table, key in sorted(rewritten):
        problems.append(
            f"{_record(table, key)} was rewritten outside the app: it is never changed once "
            "written, yet it was sealed again with other content."
        )
    current: dict[tuple[str, str], str] = {}
    for each in sealed_tables():
        current.update(_table_hashes(session, each))
    for (table, key), content in sorted(current.items()):
        sealed = newest_seal.get((table, key))
        if sealed is None:
            problems.append(
                f"{_record(table, key)} was added outside the app: no signed entry wrote it."
            )
        elif sealed != content:
            problems.append(f"{_record(table, key)} was changed outside the app.")
    for (table, key), sealed in sorted(newest_seal.items()):
        if sealed != DELETED and (table, key) not in current:
            problems.append(f"{_record(table, key)} was deleted outside the app.")
    return problems


def signers_from_roster(entries: Iterable[Any], recovery_name: str) -> dict[str, list[bytes]]:
    """Each account's signing keys over time, and the recovery key's, from roster entries."""
    signers: dict[str, list[bytes]] = {}
    for entry in entries:
        if entry.keys is not None and entry.account:
            signers.setdefault(entry.account, []).append(entry.keys.ed25519)
        if entry.recovery is not None:
            signers.setdefault(recovery_name, []).append(entry.recovery.ed25519)
    return signers


def _may_have_no_actor(entry: AuditEntry) -> bool:
    """The two kinds of entry the app writes with no account: a failed sign-in (moved in by
    the next session) and records saved with no entry of their own (named by their signer)."""
    return entry.action == "sign_in.failed" or (
        entry.action == "records.saved" and entry.actor_name == entry.signer
    )


def _entry_problems(
    entry: AuditEntry,
    database_id: str,
    signers: dict[str, list[bytes]],
    seals: dict[tuple[str, str], str],
) -> list[str]:
    about = f"Audit entry {entry.sequence} ({entry.action}, {entry.occurred_at[:10]})"
    problems = []
    if not entry.signer or not entry.signature:
        problems.append(f"{about} is not signed: it was written outside the app.")
    else:
        try:
            signature = unb64(entry.signature)
        except ValueError:
            signature = b""
        message = signed_message(database_id, entry.hash)
        if not any(signature_holds(k, message, signature) for k in signers.get(entry.signer, [])):
            problems.append(
                f"{about} is not signed by {entry.signer}, whom it names: it was written or "
                "changed outside the app."
            )
    if entry.rows_hash is None and seals:
        problems.append(
            f"Seals of records were added to {about.lower()}: the database was altered "
            "outside the app."
        )
    elif entry.rows_hash is not None and rows_hash(seals) != entry.rows_hash:
        problems.append(
            f"The seals of the records written with {about.lower()} were changed outside the app."
        )
    return problems


def _hashes(session: Session, written: dict[tuple[str, str], bool]) -> dict[tuple[str, str], str]:
    by_table: dict[str, list[str]] = {}
    for (table, key), _deleted in written.items():
        by_table.setdefault(table, []).append(key)
    tables = {t.name: t for t in sealed_tables()}
    found: dict[tuple[str, str], str] = {}
    for name, keys in by_table.items():
        found.update(_table_hashes(session, tables[name], keys))
        for key in keys:
            found.setdefault((name, key), DELETED)
    return found


def _table_hashes(
    session: Session, table: Table, keys: list[str] | None = None
) -> dict[tuple[str, str], str]:
    primary = list(table.primary_key.columns)
    found: dict[tuple[str, str], str] = {}
    if keys is None:
        batches: list[list[Any] | None] = [None]
    else:
        typed = [_typed(primary[0].type.python_type, k) for k in keys] if len(primary) == 1 else []
        batches = [typed[i : i + _BATCH] for i in range(0, len(typed), _BATCH)]
    connection = session.connection()  # Core, not the ORM: a few rows, many times a day
    for batch in batches:
        query = select(table)
        if batch is not None:
            query = query.where(primary[0].in_(batch))
        for row in connection.execute(query).mappings():
            key = _key(tuple(row[c.name] for c in primary))
            found[(table.name, key)] = hashlib.sha256(_canonical(dict(row))).hexdigest()
    return found


def row_differs_from_seal(session: Session, table_name: str, key: str) -> bool:
    """True if a row is not as the newest seal written for it says (or has none), once
    sealing has begun: a record about to be trusted was changed outside the app."""
    if _sealed_from(session) is None:
        return False
    newest = session.scalar(
        select(RowSeal.content_hash)
        .where(RowSeal.table_name == table_name, RowSeal.row_key == key)
        .order_by(RowSeal.id.desc())
        .limit(1)
    )
    table = next(t for t in sealed_tables() if t.name == table_name)
    now = _table_hashes(session, table, [key]).get((table_name, key), DELETED)
    return newest != now


class HistoryAltered(ProblemForUser):
    found = (
        "The record of where the signed history begins was removed from the database, though "
        "signed entries and seals are there: the database was altered outside the app."
    )

    def __init__(self) -> None:
        super().__init__(
            self.found,
            "Nothing has been changed. Restore the newest backup, and tell your headteacher or "
            "chair of governors: someone may have tried to hide changes to the records.",
        )


def _signed_before(session: Session) -> bool:
    """Seals or signed entries exist: sealing began once, whatever the setting says."""
    signed = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.signer.is_not(None))
    )
    return bool(signed) or count_seals(session) > 0


def sealed_from(session: Session) -> int | None:
    """The audit entry sealing began with, or None (not yet: no signed session so far)."""
    return _sealed_from(session)


def _sealed_from(session: Session) -> int | None:
    value = session.scalar(
        select(SchoolSetting.value).where(SchoolSetting.key == SEALED_FROM_SETTING)
    )
    if value is None:
        return None
    try:
        return int(json.loads(value))
    except (ValueError, TypeError):
        return 0  # altered: every entry is then checked, and the setting's own seal names it


def count_seals(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(RowSeal)) or 0


def _key(values: tuple[Any, ...]) -> str:
    return "|".join(str(v) for v in values)


def _typed(python_type: type, key: str) -> Any:
    return int(key) if python_type is int else key


def _record(table: str, key: str) -> str:
    return f"Record {key} of the {table.replace('_', ' ')} table"


def _canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    ).encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    raise TypeError(f"cannot seal a {type(value).__name__}")

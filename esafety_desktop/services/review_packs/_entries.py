"""What a reviewer can add to a pack, and how each entry is named and dated; reading a pack
with its layout, sizes and types checked."""

from __future__ import annotations

import functools
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlcipher3

from esafety_desktop.storage.review_pack import (
    SCHEMA,
    PackEntry,
    PackFile,
    PackProblem,
)
from esafety_desktop.storage.review_pack import (
    PackCase as PackCase,  # what review mode shows
)

COMMENT, REVIEWED, SIGNED_OFF = "comment", "reviewed", "signed_off"
CORRECTION = "correction"  # to a sign-off already given: a sign-off is never given twice
PRINTED, SAVED = "printed", "saved"  # what review mode printed or saved: for the audit log
ENTRY_LABELS = {
    COMMENT: "Comment",
    REVIEWED: "Reviewed",
    SIGNED_OFF: "Signed off",
    CORRECTION: "Correction to the sign-off",
    PRINTED: "Printed",
    SAVED: "Saved as an unencrypted PDF",
}
FOR_THE_CHRONOLOGY = (COMMENT, REVIEWED, SIGNED_OFF, CORRECTION)
PACK_SUFFIX = ".esreview"


def entry_when(entry: PackEntry) -> datetime:
    """When the entry was made, in local time."""
    return datetime.fromisoformat(entry.recorded_at).astimezone().replace(tzinfo=None)


def entry_title(entry: PackEntry) -> str:
    if entry.kind == SIGNED_OFF:
        on = date.fromisoformat(entry.signed_on) if entry.signed_on else None
        return f"Signed off by {entry.reviewer}" + (f" on {on:%d/%m/%Y}" if on else "")
    if entry.kind == REVIEWED:
        return f"Reviewed by {entry.reviewer}"
    if entry.kind == CORRECTION:
        return f"Correction to the sign-off by {entry.reviewer}"
    if entry.kind == PRINTED:
        return f"Printed by {entry.reviewer} in review mode"
    if entry.kind == SAVED:
        return f"Saved as an unencrypted PDF by {entry.reviewer} in review mode"
    return f"Comment by {entry.reviewer}"


def _local(utc_naive: datetime) -> datetime:
    return utc_naive.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


# -- reading a pack with its layout, sizes and types checked ---------------------------------
#
# Whoever holds the passphrase holds the pack's key, and with this program's code can write
# entries whose hash chain checks out. So a pack is read by naming its columns, after its
# layout is found to be the one this program makes; what is in it is bounded and typed; and
# the dates in it are only what the reviewer's computer said (the import stamps its own time).

MAX_PACK_BYTES = 512 * 1024 * 1024  # a pack of cases with their screenshots is megabytes
MAX_ENTRIES = 5_000  # entries in one pack
MAX_TEXT = 20_000  # characters in one entry: eight pages of typing
MAX_NAME = 200  # characters in the reviewer's name
MAX_CASES = 1_000
MAX_RECORD = 20_000_000  # characters in one case's record (checked against the school's)
MAX_INFO = MAX_CASES + 100  # rows of pack_info: the pack's own, and unfinished text per case
MAX_INFO_VALUE = 1_000_000
_HASH = 64  # a SHA-256 in hex
_ENTRY_COLUMNS = "sequence, incident_id, kind, text, reviewer, signed_on, recorded_at, " + (
    "prev_hash, hash"
)


def check_pack_size(path: Path) -> None:
    """Refused before it is opened: a file far larger than any pack of cases."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return  # opening it says what is wrong
    if size > MAX_PACK_BYTES:
        raise _refused(
            path,
            f"the file is too large ({_megabytes(size)}; a review pack is at most "
            f"{_megabytes(MAX_PACK_BYTES)})",
        )


def check_pack(pack: PackFile) -> None:
    """The pack's layout is the one this program makes (no column added, renamed or taken
    away, no table, view, index or trigger slipped in), and what it holds is within bounds
    and of the right types. Refused with a sentence otherwise: nothing is read from it."""
    connection = _connection(pack)
    try:
        if tuple(_layout(connection)) != _layout_made():
            raise _refused(pack.path, "its tables are not laid out as eSafety Desktop makes them")
        _check_sizes(pack)
        read_entries(pack)  # every entry's types
    except sqlcipher3.dbapi2.Error as exc:
        raise _refused(pack.path, "it cannot be read as a review pack") from exc


def read_entries(pack: PackFile, incident_id: int | None = None) -> list[PackEntry]:
    """The reviewer's entries, read column by column by name, each checked for its type."""
    query = f"SELECT {_ENTRY_COLUMNS} FROM review_entry"
    parameters: tuple[object, ...] = ()
    if incident_id is not None:
        query += " WHERE incident_id = ?"
        parameters = (incident_id,)
    rows = _connection(pack).execute(query + " ORDER BY sequence", parameters).fetchall()
    cases = {number for (number,) in _connection(pack).execute("SELECT incident_id FROM pack_case")}
    return [_entry_of(pack.path, row, cases) for row in rows]


def _entry_of(path: Path, row: tuple[object, ...], cases: set[object]) -> PackEntry:
    sequence, incident_id, kind, text, reviewer, signed_on, recorded_at, previous, digest = row
    number = sequence if isinstance(sequence, int) else "?"

    def wrong(what: str) -> PackProblem:
        return _refused(path, f"entry {number} {what}")

    if not isinstance(sequence, int) or isinstance(sequence, bool):
        raise wrong("has no number")
    if not isinstance(incident_id, int) or incident_id not in cases:
        raise wrong("is not on a case the pack holds")
    if not isinstance(kind, str) or kind not in ENTRY_LABELS:
        raise wrong("is of a kind eSafety Desktop does not make")
    if not isinstance(text, str) or not isinstance(reviewer, str) or not reviewer.strip():
        raise wrong("has no text or no reviewer's name")
    if signed_on is not None and not (isinstance(signed_on, str) and _is_day(signed_on)):
        raise wrong("has a sign-off date that is not a date")
    if not isinstance(recorded_at, str) or not _is_moment(recorded_at):
        raise wrong("has no date and time with its time zone")
    if not (isinstance(previous, str) and isinstance(digest, str)) or not (
        len(previous) == len(digest) == _HASH
    ):
        raise wrong("has no hash")
    return PackEntry(
        sequence, incident_id, kind, text, reviewer, signed_on, recorded_at, previous, digest
    )


def _check_sizes(pack: PackFile) -> None:
    connection = _connection(pack)

    def first(query: str, *parameters: object) -> tuple[Any, ...] | None:
        found: tuple[Any, ...] | None = connection.execute(query, parameters).fetchone()
        return found

    (entries,) = first("SELECT count(*) FROM review_entry") or (0,)
    if entries > MAX_ENTRIES:
        raise _refused(
            pack.path,
            f"it holds {entries:,} entries (a pack can hold up to {MAX_ENTRIES:,})",
        )
    for column, limit, what in (
        ("text", MAX_TEXT, "text"),
        ("reviewer", MAX_NAME, "reviewer's name"),
        ("kind", MAX_NAME, "kind"),
        ("signed_on", MAX_NAME, "sign-off date"),
        ("recorded_at", MAX_NAME, "date"),
        ("prev_hash", _HASH, "hash"),
        ("hash", _HASH, "hash"),
    ):
        long = first(
            f"SELECT sequence, length({column}) FROM review_entry "
            f"WHERE length({column}) > ? ORDER BY sequence LIMIT 1",
            limit,
        )
        if long is not None:
            raise _refused(
                pack.path,
                f"entry {long[0]}'s {what} is {long[1]:,} characters long (at most {limit:,})",
            )
    (cases, record) = first("SELECT count(*), max(length(record)) FROM pack_case") or (0, 0)
    (files,) = first("SELECT count(*) FROM pack_attachment") or (0,)
    (info, value) = first(
        "SELECT count(*), max(max(length(key)), max(length(value))) FROM pack_info"
    ) or (0, 0)
    if cases > MAX_CASES or (record or 0) > MAX_RECORD or files > MAX_ENTRIES:
        raise _refused(pack.path, f"it holds more than a review pack can ({cases:,} cases)")
    if info > MAX_INFO or (value or 0) > MAX_INFO_VALUE:
        raise _refused(pack.path, "its description is longer than a review pack's can be")


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == len("2026-11-24")


def _is_moment(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def _layout(connection: Any) -> list[tuple[object, ...]]:
    """Every table, view, index and trigger, with each table's columns (name, type, not
    null, default, key), in a fixed order. SQLite's own (``sqlite_…``) are left out."""
    found: list[tuple[object, ...]] = []
    for kind, name, table in connection.execute(
        "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite^_%' "
        "ESCAPE '^' ORDER BY type, name"
    ).fetchall():
        found.append((kind, name, table))
        if kind == "table":
            found += [
                ("column", name, *column)
                for column in connection.execute(
                    'SELECT cid, name, type, "notnull", dflt_value, pk '
                    "FROM pragma_table_info(?) ORDER BY cid",
                    (name,),
                ).fetchall()
            ]
    return found


@functools.cache
def _layout_made() -> tuple[tuple[object, ...], ...]:
    """The layout this program gives a pack: its schema, made in memory and read back."""
    memory = sqlite3.connect(":memory:")
    try:
        memory.executescript(SCHEMA)
        return tuple(_layout(memory))
    finally:
        memory.close()


def _connection(pack: PackFile) -> Any:
    """The pack's open connection: read here by named columns (PackFile's own ``entries``
    reads the table whole, by position, which a changed table would fool)."""
    return pack._connection


def _refused(path: Path, why: str) -> PackProblem:
    return PackProblem(
        f"The review pack {Path(path).name} cannot be used: {why}. eSafety Desktop does not "
        "make packs like it, so it was changed outside the program.",
        "Nothing was imported, and the pack was not changed. Ask the reviewer about it, or "
        "export a new pack.",
    )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB".replace(".0 MB", " MB")

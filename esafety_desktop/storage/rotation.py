"""Changing the school's key: a new data key, the whole database encrypted again under it, and
the new key wrapped to the accounts that remain and the (new) recovery key.

A removed account, an old recovery sheet or an old password then open nothing current, even
with an older copy of the key file: what they can unwrap is the old data key, and no current
page is encrypted with it. (Backups made before keep the old key: they stay readable with the
credentials of their day, which is what a backup is for.)

The steps, each safe to stop at:

1. ``sqlcipher_export`` copies the database into ``school.db.next`` under the new key (no write
   runs meanwhile: the writer's lock is held throughout); it is synced and checked: every page,
   its structure, and the same rows and newest audit entry as the live database.
2. The key file is saved with the **next** key file inside it (``rotation``): the new wraps and
   the new file's salt. A crash now leaves the old database and a key file that still opens it.
3. Every connection is closed (SQLite folds the WAL back into the file) and ``school.db.next``
   is renamed over ``school.db`` (atomic).
4. The key file is saved as the next one.

On the next opening :func:`settle` looks at the database file's salt: if it is the next one,
step 4 is done now; if it is still the old one, the half-made copy is removed and the key file
put back as it was. Nothing the user saved is ever in only one of the two files.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3

from esafety_desktop.errors import DatabaseBusy, ProblemForUser
from esafety_desktop.storage import keyslots
from esafety_desktop.storage.files import DatabaseFiles, problem_from_os_error, sync_directory
from esafety_desktop.storage.key_file import KeySlotFile
from esafety_desktop.storage.keypairs import PublicKeys
from esafety_desktop.storage.keyslots import AuditAnchor

log = logging.getLogger(__name__)


def next_path(files: DatabaseFiles) -> Path:
    return files.database.with_name(files.database.name + ".next")


def file_salt(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    return head.hex() if len(head) == 16 else None


def settle(files: DatabaseFiles) -> None:
    """Finish, or undo, a change of the school's key that a crash interrupted (see above).
    Touches nothing unless the key file says a change was under way."""
    leftover = next_path(files)
    try:
        key_slots = KeySlotFile.load(files.key_slots)
    except ProblemForUser:  # the sign-in that follows reports the key file in words
        return
    if key_slots.rotation is None:
        if leftover.exists():  # stopped before step 2: a copy under a key nobody holds
            try:
                _remove(leftover)
            except (ProblemForUser, OSError):
                log.warning("A leftover copy beside the database could not be removed")
        return
    next_file = KeySlotFile.from_document(files.key_slots, key_slots.rotation)
    salt = file_salt(files.database)
    if salt is not None and salt == next_file.database_salt:
        next_file.save()  # stopped between steps 3 and 4
        log.info("A change of the school's key was finished on opening")
    elif salt is not None:
        _remove(leftover)  # stopped between steps 2 and 3: the database is still the old one
        key_slots.rotation = None
        key_slots.save()
        log.info("A change of the school's key that had not finished was undone on opening")


def export_under(raw_connection: object, target: Path, new_key: bytes | bytearray) -> None:
    """Step 1: the whole database, as committed, copied into ``target`` under ``new_key``."""
    driver: sqlcipher3.dbapi2.Connection = raw_connection
    if target.exists():
        _remove(target)
    # Made empty and private first: SQLite keeps the mode of a file it finds (issue 19).
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    key_text = f"x'{bytes(new_key).hex()}'"
    driver.execute("ATTACH DATABASE ? AS rotated KEY ?", (str(target), key_text))
    try:
        driver.execute("SELECT sqlcipher_export('rotated')")
    finally:
        driver.execute("DETACH DATABASE rotated")
    with target.open("rb") as handle:
        os.fsync(handle.fileno())


def check_copy(target: Path, new_key: bytes | bytearray, expected: dict[str, object]) -> list[str]:
    """Every page and the structure of ``target``, and the same figures as the live file."""
    connection = sqlcipher3.dbapi2.connect(str(target))
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = \"x'{bytes(new_key).hex()}'\"")
        problems = [r[0] for r in connection.execute("PRAGMA cipher_integrity_check")]
        problems += [r[0] for r in connection.execute("PRAGMA integrity_check") if r[0] != "ok"]
        found = figures(connection)
    except sqlcipher3.dbapi2.Error as exc:
        return [f"the new copy could not be read ({exc})"]
    finally:
        connection.close()
    if found != expected:
        problems.append("the new copy does not hold the same rows")
    return [str(p) for p in problems]


def figures(driver: Any) -> dict[str, object]:
    """The count of rows in every table and the newest audit entry: what a copy must match."""
    tables = [
        r[0]
        for r in driver.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    counts: dict[str, object] = {
        t: driver.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables
    }
    newest = driver.execute("SELECT sequence, hash FROM audit_entry ORDER BY sequence DESC LIMIT 1")
    counts["newest audit entry"] = tuple(newest.fetchone() or ())
    return counts


def next_key_file(
    key_slots: KeySlotFile,
    new_key: bytes | bytearray,
    recipients: dict[str, PublicKeys],
    database_salt: str | None,
) -> KeySlotFile:
    """The key file of the new key: the same roster and password slots, the new key wrapped to
    ``recipients`` only, version 1 slots dropped (they hold the old key), the anchor resealed."""
    next_file = KeySlotFile.from_document(key_slots.path, key_slots.to_document())
    next_file.rotation = None
    next_file.generation = key_slots.generation + 1
    next_file.database_salt = database_salt
    next_file.legacy = []
    next_file.data_key_wraps = {}
    for recipient, public in recipients.items():
        next_file.wrap_data_key(new_key, recipient, public)
    wanted = {r.removeprefix("account:") for r in recipients}
    next_file.account_slots = [s for s in next_file.account_slots if s.account in wanted]
    anchor = key_slots.audit_anchor
    if anchor is not None:
        seal = keyslots.seal_anchor(new_key, key_slots.database_id, anchor.sequence, anchor.hash)
        next_file.audit_anchor = AuditAnchor(sequence=anchor.sequence, hash=anchor.hash, seal=seal)
    return next_file


def swap_in(
    files: DatabaseFiles,
    key_slots: KeySlotFile,
    next_file: KeySlotFile,
    close_connections: Callable[[], None],
    crash_point: Callable[[str], None] = lambda _step: None,
) -> None:
    """Steps 2 to 4. ``crash_point`` lets the crash harness stop the process between steps."""
    key_slots.rotation = next_file.to_document()
    key_slots.save()
    crash_point("key file holds the next one")
    close_connections()
    if files.wal.exists() and files.wal.stat().st_size > 0:
        # Another program still has the database open: its WAL was not folded back in.
        key_slots.rotation = None
        key_slots.save()
        _remove(next_path(files))
        raise DatabaseBusy()
    try:
        os.replace(next_path(files), files.database)
        sync_directory(files.database.parent)
    except OSError as exc:
        raise problem_from_os_error(exc, files.database) from exc
    crash_point("database swapped")
    next_file.save()


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-journal")):
        try:
            leftover.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:  # a folder of that name, a file held open: said, not a crash
            raise problem_from_os_error(exc, leftover) from exc

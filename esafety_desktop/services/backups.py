"""Backing up the school database, keeping a schedule of backups, and restoring one.

Backups are made on sign-out, once a day while the program is open, before every upgrade of the
database's layout, by hand, and by ``esafety-desktop backup`` for Windows Task Scheduler. Each
goes to the ``eSafety Desktop backups`` folder beside the database and, when the DSL has chosen
one, to a second location (a USB stick, another drive). Restoring never overwrites anything:
the database being replaced is moved aside into a folder of its own.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from esafety_desktop.domain import backup_schedule
from esafety_desktop.domain.clock import Clock
from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import (
    InvalidInput,
    ProblemForUser,
    WorkStopped,
)
from esafety_desktop.services.access import (
    SignedIn,
    read_setting,
    sign_in,
    write_setting,
)
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.storage.backup import (
    BACKUPS_FOLDER,
    BEFORE_UPGRADE,
    clear_leftovers,
    copy_backup,
    find_backups,
    remove,
    write_backup,
)
from esafety_desktop.storage.backup import (
    Backup as Backup,  # the services' own: the windows show backups
)
from esafety_desktop.storage.database import SchoolDatabase
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles, problem_from_os_error
from esafety_desktop.storage.key_file import KeySlotFile

SECOND_LOCATION_SETTING = "backup_second_location"

SIGN_OUT, DAILY, BY_HAND, SCHEDULED = "sign-out", "daily", "by hand", "scheduled"
KIND_LABELS = {
    SIGN_OUT: "On signing out",
    DAILY: "Daily",
    BY_HAND: "Made by hand",
    SCHEDULED: "Task Scheduler",
    BEFORE_UPGRADE: "Before an upgrade",
}
# A daily backup is due when the newest is older than this; the second location is "stale"
# when its newest copy is older than a week.
DAILY_EVERY = timedelta(hours=24)
SECOND_LOCATION_STALE = timedelta(days=7)
# Restoring keeps the replaced database in a folder named like this beside it.
SET_ASIDE_PREFIX = "Replaced by a restore"


def local_root(database: Path) -> Path:
    """The backups folder in the data folder, beside the database."""
    return Path(database).parent / BACKUPS_FOLDER


def second_root(location: Path) -> Path:
    return Path(location) / BACKUPS_FOLDER


# -- making backups ------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupRun:
    backup: Backup
    second: Backup | None = None
    second_problem: str | None = None  # the second location was set but could not be written
    removed: int = 0


def back_up(
    signed_in: SignedIn,
    kind: str,
    *,
    also_to: Path | None = None,
    prune: bool = True,
    stop: Callable[[], bool] = lambda: False,
) -> BackupRun:
    """Make, verify and keep a backup; copy it to the second location (and ``also_to``).
    ``prune=False`` thins nothing out (the backup made just before a restore must not remove
    the one being restored). ``stop()`` true (the program is being locked) stops at the next
    safe point: before the copy is made, or after it is made and checked but before the
    (slow) copy to the second location.

    A failure of the second location does not fail the backup: the run says why, the audit log
    records it and the Dashboard warns. Every session backs up (at sign-out); a copy to a
    folder of the caller's choosing (``also_to``) needs a DSL: it is the whole database."""
    if also_to is not None:
        signed_in.require(Permission.RESTORE_BACKUPS)
    database = signed_in.database
    if stop():
        raise WorkStopped("The backup was not made: the program was locked before it began.")
    with database.reading() as session:
        location = read_setting(session, SECOND_LOCATION_SETTING)
    now = signed_in.clock.now()
    backup, removed = _make_and_prune(database, kind, prune, now)
    second: Backup | None = None
    problem: str | None = None
    for target in [Path(location)] if location else []:
        if stop():
            problem = "the program was locked before the copy was made"
            break
        try:
            if not target.is_dir():  # never made here: an unplugged stick's path is not a folder
                raise FileNotFoundError(str(target))
            second = _copy_and_prune(backup, second_root(target), now, prune)
        except (ProblemForUser, OSError) as exc:
            problem = _why_not_written(target, exc)
    extra: Backup | None = None
    if also_to is not None:
        extra = _copy_and_prune(backup, second_root(also_to), now)
    with database.transaction() as session:
        signed_in.record(
            session,
            "backup.made",
            details={
                "kind": kind,
                "folder": backup.folder.name,
                "second_location": "copied" if second else (problem or "not set"),
                **({"also_to": str(extra.folder.parent)} if extra else {}),
            },
        )
    return BackupRun(backup=backup, second=second or extra, second_problem=problem, removed=removed)


def back_up_from_command_line(
    path: Path,
    username: str,
    password: str,
    device_secrets: DeviceSecretStore,
    to: Path | None,
    clock: Clock | None = None,
) -> BackupRun:
    """``esafety-desktop backup``: sign in, back up (also to ``to``), sign out."""
    signed_in = sign_in(path, username, password, device_secrets, clock)
    try:
        return back_up(signed_in, SCHEDULED, also_to=to)
    finally:
        signed_in.sign_out()


def _make_and_prune(
    database: SchoolDatabase, kind: str, prune: bool, now: datetime
) -> tuple[Backup, int]:
    root = local_root(database.files.database)
    clear_leftovers(root, now)
    backup = write_backup(database, root, kind=kind, now=now)
    return backup, _prune(root, database.database_id, backup) if prune else 0


def _copy_and_prune(backup: Backup, root: Path, now: datetime, prune: bool = True) -> Backup:
    clear_leftovers(root, now)
    copy = copy_backup(backup, root)
    if prune:
        _prune(root, backup.database_id, copy)
    return copy


def _prune(root: Path, database_id: str, just_made: Backup | None = None) -> int:
    """Remove what the schedule no longer keeps; never the backup just made (two made in the
    same second would otherwise be a coin toss)."""
    backups = find_backups(root, database_id)
    keep = backup_schedule.to_keep(backups, _local_time, _kind)
    return remove(b for b in backups if b not in keep and b != just_made)


def _local_time(backup: Backup) -> datetime:
    return backup.made_at.astimezone()


def _kind(backup: Backup) -> str:
    return backup.kind


def _why_not_written(location: Path, exc: BaseException) -> str:
    if not Path(location).exists():
        return f"{location} is not there (is the USB stick or drive plugged in?)"
    return str(exc)


# -- what there is -------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupStatus:
    newest_here: Backup | None
    here: Path
    second_location: Path | None
    newest_there: Backup | None
    second_reachable: bool
    count_here: int = 0

    def daily_due(self, now: datetime) -> bool:
        newest = self.newest_here.made_at if self.newest_here else None
        return backup_schedule.is_stale(newest, now, DAILY_EVERY)

    def second_location_warning(self, now: datetime) -> str | None:
        """Why the Dashboard should warn about the second location, or None."""
        if self.second_location is None:
            return (
                "No second backup location is chosen: a dead or stolen office PC would take "
                "every record with it. Choose a USB stick or another drive in Settings."
            )
        if not self.second_reachable:
            return (
                f"The second backup location {self.second_location} is not there. Plug in the "
                "USB stick or drive, then make a backup."
            )
        newest = self.newest_there.made_at if self.newest_there else None
        if backup_schedule.is_stale(newest, now, SECOND_LOCATION_STALE):
            if newest is None:
                return f"There is no backup in the second location {self.second_location} yet."
            age = backup_schedule.age_in_words(newest.astimezone(), now.astimezone())
            return (
                f"The newest backup in the second location {self.second_location} was made "
                f"{age}. Plug in the drive and make a backup."
            )
        return None


@open_to_every_role("when the last backup was made: the Dashboard tells every role")
def backup_status(signed_in: SignedIn) -> BackupStatus:
    database = signed_in.database
    with database.reading() as session:
        location = read_setting(session, SECOND_LOCATION_SETTING)
    here = find_backups(local_root(database.files.database), database.database_id)
    second = Path(location) if location else None
    there = find_backups(second_root(second), database.database_id) if second else []
    return BackupStatus(
        newest_here=here[0] if here else None,
        here=local_root(database.files.database),
        second_location=second,
        newest_there=there[0] if there else None,
        second_reachable=second is not None and second.is_dir(),
        count_here=len(here),
    )


def set_second_location(signed_in: SignedIn, folder: Path | None) -> str | None:
    """Choose (or clear, with None) the second location. Returns a note worth showing."""
    signed_in.require(Permission.CHANGE_SETTINGS)
    note = None
    if folder is not None:
        folder = Path(folder).expanduser().resolve()
        data = signed_in.path.parent.resolve()
        if folder == data or data in folder.parents:
            raise InvalidInput(
                "The second location must be somewhere other than the data folder: a USB stick "
                "or another drive, so one failure cannot take both."
            )
        _check_writable(folder)
        with contextlib.suppress(OSError):
            if folder.stat().st_dev == data.stat().st_dev:
                note = (
                    f"{folder} is on the same disk as the database, so a failed disk would take "
                    "both. A USB stick or another drive is safer."
                )
    with signed_in.database.transaction() as session:
        write_setting(session, SECOND_LOCATION_SETTING, str(folder) if folder else None)
        signed_in.record(
            session,
            "settings.changed",
            details={"setting": SECOND_LOCATION_SETTING, "value": str(folder) if folder else None},
        )
    return note


def _check_writable(folder: Path) -> None:
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder that can be reached from this PC.")
    probe = folder / f".esafety-write-test-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise problem_from_os_error(exc, probe) from exc


def backups_in(*roots: Path, database_id: str | None = None) -> list[Backup]:
    """Every backup in the given folders (each either a backups folder or the folder that holds
    one), newest first."""
    found: dict[Path, Backup] = {}
    for root in roots:
        for place in (root, second_root(root)):
            for backup in find_backups(place, database_id):
                found.setdefault(backup.folder.resolve(), backup)
    return sorted(found.values(), key=lambda b: b.made_at, reverse=True)


def backup_at(folder: Path) -> Backup:
    """The backup in a folder the user pointed at (its folder, or any file inside it)."""
    folder = Path(folder)
    if folder.is_file():
        folder = folder.parent
    return Backup.read(folder)


def newest_good_backup(
    database: Path,
    second_location: Path | None = None,
    *,
    data_key: bytes | bytearray | None = None,
) -> Backup | None:
    """The newest backup whose files are intact: for a database that will not open, and for
    verify's "older than its own backup".

    Signed backups come first. With the ``data_key`` only those whose signature holds under it
    count: a relabelled or altered manifest is not a backup (nor is one made under a data key
    since changed). Without it (nobody is signed in yet) the order is what the manifests claim;
    the signature is checked on unlocking, before anything is restored. A backup made before
    manifests were signed is offered only when no signed one is."""
    database_id = database_id_of(database)
    roots = [local_root(database)] + ([second_root(second_location)] if second_location else [])
    found = backups_in(*roots, database_id=database_id)
    signed = [b for b in found if b.signed and (data_key is None or b.signature_holds(data_key))]
    for backup in signed + [b for b in found if not b.signed]:
        if not backup.damaged_files():
            return backup
    return None


def newest_good_backup_of(database: SchoolDatabase) -> Backup | None:
    """:func:`newest_good_backup` for an open database: only backups whose signature holds
    under its data key (or, if none is signed, one made before manifests were signed)."""
    data_key = database.data_key_copy()
    try:
        return newest_good_backup(database.files.database, data_key=data_key)
    finally:
        data_key[:] = bytes(len(data_key))


def database_id_of(database: Path) -> str | None:
    try:
        return KeySlotFile.load(DatabaseFiles(Path(database)).key_slots).database_id
    except ProblemForUser:
        return None

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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from esafety_desktop.domain import backup_schedule
from esafety_desktop.domain.clock import Clock, SystemClock
from esafety_desktop.domain.roles import Permission, Role, can
from esafety_desktop.errors import (
    DatabaseExists,
    InvalidInput,
    NotAllowed,
    ProblemForUser,
    UnknownAccount,
    WorkStopped,
)
from esafety_desktop.services import school_keys
from esafety_desktop.services.access import (
    KEY_STORAGE_SETTING,
    SignedIn,
    active_account,
    active_usernames,
    open_password_slot,
    read_setting,
    sign_in,
    start_session,
    write_setting,
)
from esafety_desktop.services.passwords import require_acceptable_password
from esafety_desktop.services.school_keys import Unlocked, open_with_recovery
from esafety_desktop.storage import keyslots
from esafety_desktop.storage.backup import (
    BACKUPS_FOLDER,
    BEFORE_UPGRADE,
    BackupCheck,
    BackupProblem,
    check_copy,
    clear_leftovers,
    copy_backup,
    find_backups,
    remove,
    sha256_of,
    write_backup,
)
from esafety_desktop.storage.backup import (
    Backup as Backup,  # the services' own: the windows show backups
)
from esafety_desktop.storage.database import SchoolDatabase
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles, problem_from_os_error, sync_directory
from esafety_desktop.storage.key_file import KeySlotFile
from esafety_desktop.storage.keypairs import PrivateKeys
from esafety_desktop.storage.roster import RECOVERY_SIGNER

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
    records it and the Dashboard warns."""
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


# -- restoring ------------------------------------------------------------------------------


@dataclass
class OpenedBackup:
    """A backup unlocked and checked, ready to be put in place. :meth:`close` wipes the key."""

    backup: Backup
    check: BackupCheck
    accounts: list[str]
    unlocked_by: str  # the account whose password opened it, or "" for the recovery key
    _data_key: bytearray = field(repr=False)
    # The private keys of whoever opened it (the account's, or the recovery key's): they sign
    # a new password's keys into the roster on restoring. None for a version 1 key file.
    _keys: PrivateKeys | None = field(default=None, repr=False)

    def keys_copy(self) -> PrivateKeys | None:
        return self._keys.copy() if self._keys is not None else None

    def data_key_copy(self) -> bytearray:
        return bytearray(self._data_key)

    @property
    def by_recovery_key(self) -> bool:
        return not self.unlocked_by

    def close(self) -> None:
        for i in range(len(self._data_key)):
            self._data_key[i] = 0
        if self._keys is not None:
            self._keys.wipe()


def open_backup(
    backup: Backup,
    *,
    username: str | None = None,
    password: str | None = None,
    recovery_key: str | None = None,
    device_secrets: DeviceSecretStore,
) -> OpenedBackup:
    """Unlock a backup with an account's password (this PC) or the recovery key (any PC), and
    check it without changing a byte. Only a DSL's password, or the recovery key, restores."""
    wrong = backup.damaged_files()
    if wrong:
        raise BackupProblem(
            f"The backup made {backup.made_at.astimezone():%d/%m/%Y %H:%M} has changed since it "
            f"was made ({', '.join(wrong)} do not match what was written).",
            "Choose an older backup, or the copy in the other location.",
        )
    key_slots = KeySlotFile.load(backup.database_files.key_slots)
    if key_slots.database_id != backup.database_id:
        raise BackupProblem(
            "The backup's key file belongs to another database.", "Choose another backup."
        )
    unlocked = _unlock(key_slots, username, password, recovery_key, device_secrets)
    data_key = unlocked.data_key
    check = check_copy(backup.database_files, bytearray(data_key))
    if check.problems:
        unlocked.wipe()
        raise BackupProblem(
            "The backup failed its check: " + "; ".join(check.problems[:3]),
            "Choose an older backup, or the copy in the other location.",
        )
    accounts, role = _accounts_in(backup, data_key, username)
    if username and (role is None or not can(role, Permission.RESTORE_BACKUPS)):
        unlocked.wipe()
        label = role.label if role else "removed"
        raise NotAllowed(label, Permission.RESTORE_BACKUPS.description)
    return OpenedBackup(
        backup=backup,
        check=check,
        accounts=accounts,
        unlocked_by=keyslots.normalise_account(username) if username else "",
        _data_key=data_key,
        _keys=unlocked.keys,
    )


def _unlock(
    key_slots: KeySlotFile,
    username: str | None,
    password: str | None,
    recovery_key: str | None,
    device_secrets: DeviceSecretStore,
) -> Unlocked:
    if recovery_key is not None:
        return open_with_recovery(
            key_slots,
            recovery_key,
            "That recovery key does not open this backup. If a new recovery key was made after "
            "the backup, the sheet that was current then is needed.",
        )
    if not username or password is None:
        raise InvalidInput("Choose an account and type its password, or use the recovery key.")
    return open_password_slot(key_slots, username, password, device_secrets)


def _accounts_in(
    backup: Backup, data_key: bytearray, username: str | None
) -> tuple[list[str], Role | None]:
    key_slots = KeySlotFile.load(backup.database_files.key_slots)
    copy = SchoolDatabase(backup.database_files, key_slots, bytearray(data_key), read_only=True)
    try:
        with copy.reading() as session:
            names = active_usernames(session)
            row = active_account(session, username) if username else None
            return names, Role(row.role) if row is not None else None
    finally:
        copy.close()


@dataclass(frozen=True)
class Restored:
    signed_in: SignedIn
    set_aside: Path | None  # where the replaced database was moved, if there was one


def restore(
    opened: OpenedBackup,
    target: Path,
    *,
    username: str,
    new_password: str | None,
    device_secrets: DeviceSecretStore,
    replace_existing: bool = False,
    clock: Clock | None = None,
) -> Restored:
    """Put the backup in place at ``target`` and sign ``username`` in.

    With ``replace_existing`` a database already at ``target`` is first moved aside into a
    folder of its own (never overwritten, never deleted); without it an existing file is
    refused. ``new_password`` sets the account's password on this PC: required when the backup
    was opened with the recovery key or for another account; ``None`` keeps the password that
    opened it. The session reads the time from ``clock`` (the system clock unless given)."""
    clock = clock if clock is not None else SystemClock()
    files = DatabaseFiles(Path(target))
    account = keyslots.normalise_account(username)
    if new_password is None and account != opened.unlocked_by:
        raise InvalidInput(f"Choose a new password for {account} on this PC.")
    if new_password is not None:
        require_acceptable_password(new_password, account)
    if account not in opened.accounts:
        raise UnknownAccount(account, opened.accounts)
    set_aside = None
    existing = files.all_existing()
    if existing and not replace_existing:
        raise DatabaseExists(str(files.database))
    if existing:
        set_aside = _move_aside(files, clock.now())
    try:
        _copy_into_place(opened.backup, files)
    except ProblemForUser as problem:
        kept = (
            f" The database that was there is kept, unchanged, in {set_aside}." if set_aside else ""
        )
        raise BackupProblem(problem.what, problem.advice + kept) from problem
    key_slots = KeySlotFile.load(files.key_slots)
    database = SchoolDatabase.open(files, key_slots, opened.data_key_copy())
    try:
        if new_password is None:
            database.keys = opened.keys_copy()
            signed_in = start_session(
                database, account, device_secrets, "database.restored", clock=clock
            )
        else:
            with database.reading() as session:
                password_only = read_setting(session, KEY_STORAGE_SETTING) == "password_only"
            secret = None if password_only else device_secrets.get_or_create()
            signed_in = _set_password_on_restoring(
                opened, database, account, new_password, secret, device_secrets, clock
            )
    except BaseException:
        database.close()
        raise
    backup = opened.backup
    with database.transaction() as session:
        signed_in.record(
            session,
            "database.restored_from",
            details={
                "backup_made_at": backup.made_at.isoformat(timespec="seconds"),
                "kind": backup.kind,
                "made_on": backup.made_on,
                "opened_with": "recovery key" if opened.by_recovery_key else "password",
                "replaced_database_kept_in": str(set_aside) if set_aside else None,
            },
        )
    return Restored(signed_in=signed_in, set_aside=set_aside)


def _set_password_on_restoring(
    opened: OpenedBackup,
    database: SchoolDatabase,
    account: str,
    new_password: str,
    device_secret: bytes | None,
    device_secrets: DeviceSecretStore,
    clock: Clock,
) -> SignedIn:
    """The restored account's password on this PC: new key pairs, signed into the roster by
    whoever opened the backup (a DSL, or the recovery key); a version 1 slot for a backup made
    before per-account keys."""
    if not database.key_slots.upgraded:
        legacy = database.legacy_slot_for(account, new_password, device_secret)
        with database.changing_key_slots() as slots:
            slots.legacy = [s for s in slots.legacy if s.account != legacy.account] + [legacy]
            return start_session(
                database, account, device_secrets, "database.restored", clock=clock
            )
    keys, slot = school_keys.new_account_keys(database, account, new_password, device_secret)
    signer_keys = opened.keys_copy()
    try:
        with database.changing_key_slots():
            school_keys.sign_change(
                database,
                "keys_renewed",
                signer=opened.unlocked_by or RECOVERY_SIGNER,
                signer_keys=signer_keys,
                account=account,
                keys=keys.public,
            )
            school_keys.give_account(database, slot)
            database.keys = keys
            return start_session(
                database, account, device_secrets, "database.restored", clock=clock
            )
    finally:
        if signer_keys is not None:
            signer_keys.wipe()


def _move_aside(files: DatabaseFiles, now: datetime) -> Path:
    """Move the database and its companion files into a new folder beside it."""
    stamp = f"{now.astimezone():%Y-%m-%d %H%M%S}"
    folder = files.database.parent / f"{SET_ASIDE_PREFIX} {stamp}"
    try:
        folder.mkdir(mode=0o700)
        for path in files.all_existing():
            os.rename(path, folder / path.name)
        sync_directory(folder)
        sync_directory(files.database.parent)
    except OSError as exc:
        raise problem_from_os_error(exc, folder) from exc
    return folder


def _copy_into_place(backup: Backup, files: DatabaseFiles) -> None:
    """Copy the backup's two files beside their final names, check them, then rename: the
    database first, the key file last, so a half-done restore is never taken for a database."""
    import shutil

    pairs = [(backup.database, files.database), (backup.database_files.key_slots, files.key_slots)]
    staged = []
    try:
        files.database.parent.mkdir(parents=True, exist_ok=True)
        for source, final in pairs:
            temp = final.with_name(f".{final.name}.restoring")
            shutil.copyfile(source, temp)
            os.chmod(temp, 0o600)
            with temp.open("rb") as handle:
                os.fsync(handle.fileno())
            if sha256_of(temp) != backup.files[source.name]:
                raise BackupProblem(
                    f"The copy of {source.name} does not match the backup.",
                    "The disk may be failing. Nothing was replaced.",
                )
            staged.append((temp, final))
        for temp, final in staged:
            os.replace(temp, final)
        sync_directory(files.database.parent)
    except OSError as exc:
        for temp, _final in staged:
            temp.unlink(missing_ok=True)
        raise problem_from_os_error(exc, files.database) from exc


def _wipe(data_key: bytearray) -> None:
    for i in range(len(data_key)):
        data_key[i] = 0


def restore_aside_folders(database: Path) -> list[Path]:
    """Databases earlier restores moved aside, newest first (shown in Settings)."""
    parent = Path(database).parent
    with contextlib.suppress(OSError):
        return sorted(
            (p for p in parent.iterdir() if p.is_dir() and p.name.startswith(SET_ASIDE_PREFIX)),
            reverse=True,
        )
    return []


def newest_good_backup(database: Path, second_location: Path | None = None) -> Backup | None:
    """For a database that will not open: the newest backup whose files are intact."""
    database_id = database_id_of(database)
    roots = [local_root(database)] + ([second_root(second_location)] if second_location else [])
    for backup in backups_in(*roots, database_id=database_id):
        if not backup.damaged_files():
            return backup
    return None


def database_id_of(database: Path) -> str | None:
    try:
        return KeySlotFile.load(DatabaseFiles(Path(database)).key_slots).database_id
    except ProblemForUser:
        return None

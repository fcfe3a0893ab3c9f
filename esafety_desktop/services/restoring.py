"""Restoring a backup: unlocking it with a DSL's password on this PC or the recovery key,
checking it without changing a byte, and putting it in place of the database (the database it
replaces is moved aside, never overwritten), with the account's password on this PC."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from esafety_desktop.domain.clock import Clock, SystemClock
from esafety_desktop.domain.roles import Permission, Role, can
from esafety_desktop.errors import (
    DatabaseExists,
    InvalidInput,
    NotAllowed,
    ProblemForUser,
    UnknownAccount,
)
from esafety_desktop.services import school_keys
from esafety_desktop.services.access import (
    KEY_STORAGE_SETTING,
    SignedIn,
    active_account,
    active_usernames,
    open_password_slot,
    read_setting,
    start_session,
)
from esafety_desktop.services.backups import SET_ASIDE_PREFIX, Backup
from esafety_desktop.services.passwords import require_acceptable_password
from esafety_desktop.services.school_keys import Unlocked, open_with_recovery
from esafety_desktop.storage import keyslots
from esafety_desktop.storage.backup import (
    BACKUP_FILES,
    MANIFEST,
    BackupCheck,
    BackupProblem,
    check_copy,
)
from esafety_desktop.storage.database import SchoolDatabase
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import (
    DatabaseFiles,
    copy_plain_file,
    problem_from_os_error,
    require_local_drive,
    sha256_of,
    sync_directory,
)
from esafety_desktop.storage.key_file import KeySlotFile
from esafety_desktop.storage.keypairs import PrivateKeys
from esafety_desktop.storage.roster import RECOVERY_SIGNER


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
    backup.check_files()  # still no links or special files since it was listed
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
    if backup.signed and not backup.signature_holds(data_key):
        unlocked.wipe()
        raise BackupProblem(
            f"The backup in {backup.folder} cannot be trusted: its {MANIFEST} was changed after "
            "the backup was made (its date, counts or checksums are not what was written), so "
            "it is not treated as a backup.",
            "Choose another backup, or the copy in the other location. Keep this folder for "
            "your IT support: someone may have tried to pass an old backup off as a new one.",
        )
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
    require_local_drive(files.database)  # SQLite on a network drive loses writes
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
                "manifest": "signed" if backup.signed else "made before manifests were signed",
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
    database first, the key file last, so a half-done restore is never taken for a database.
    Only ordinary files are read (never through a link), and only the two a backup holds."""
    pairs = list(zip(BACKUP_FILES, (files.database, files.key_slots), strict=True))
    staged = []
    try:
        files.database.parent.mkdir(parents=True, exist_ok=True)
        for name, final in pairs:
            temp = final.with_name(f".{final.name}.restoring")
            copy_plain_file(backup.folder / name, temp)
            os.chmod(temp, 0o600)
            with temp.open("rb") as handle:
                os.fsync(handle.fileno())
            if sha256_of(temp) != backup.files[name]:
                raise BackupProblem(
                    f"The copy of {name} does not match the backup.",
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

"""Creating a school database, signing in and out, and getting back in with the recovery key."""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from esafety_desktop.domain.clock import Clock, SystemClock
from esafety_desktop.domain.recovery_key import (
    format_recovery_key,
    new_recovery_key,
    parse_recovery_key,
)
from esafety_desktop.domain.roles import Permission, Role, can
from esafety_desktop.errors import (
    InvalidInput,
    KeyFileAltered,
    KeyFileProblem,
    NotAllowed,
    ProblemForUser,
    UnknownAccount,
    WrongPassword,
)
from esafety_desktop.services import failed_sign_ins, history_guard, school_keys
from esafety_desktop.services.passwords import require_acceptable_password
from esafety_desktop.services.school_keys import (
    RecoveryKeyDoesNotFit,
    Unlocked,
    open_password_slot,
    open_with_recovery,
)
from esafety_desktop.storage import audit, history, keyslots, rotation
from esafety_desktop.storage.database import SchoolDatabase
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.device_secret import KeyringState as KeyringState  # for the UI
from esafety_desktop.storage.files import (
    DatabaseFiles,
    keep_private,
    make_private_folder,
    require_local_drive,
)
from esafety_desktop.storage.key_file import KeySlotFile
from esafety_desktop.storage.keypairs import PrivateKeys
from esafety_desktop.storage.models import Account, SchoolSetting
from esafety_desktop.storage.roster import RECOVERY_SIGNER

__all__ = ["RecoveryKeyDoesNotFit", "Unlocked", "open_password_slot"]

log = logging.getLogger(__name__)

KEY_STORAGE_SETTING = "key_storage"  # "device" (keyring) or "password_only" (chosen, audited)
SCHOOL_NAME_SETTING = "school_name"
RECOVERY_SHEET_SETTING = "recovery_sheet"  # how the current sheet was kept; None: not yet
# Why the school's key must still change (an account removed, the keys upgraded), cleared once
# it has: a DSL's next sign-in changes it if the program stopped in between.
SCHOOL_KEY_CHANGE_DUE_SETTING = "school_key_change_due"
REMEMBER_EVERY_SECONDS = 30.0
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def this_pc() -> DeviceSecretStore:
    """This PC's device secret, kept in the OS keyring (the windows never reach it directly)."""
    return DeviceSecretStore()


def keyring_state() -> KeyringState:
    """Whether this PC's keyring can keep the device secret now: ready, missing (passwords
    alone is then the only way) or locked (it needs unlocking). Reads; writes nothing."""
    return this_pc().state()


@dataclass(frozen=True)
class AccountInfo:
    id: int
    username: str
    display_name: str
    role: Role
    removed: bool
    # Cannot sign in until a DSL sets a new password (since the school's keys were upgraded).
    needs_password: bool = False

    @classmethod
    def of(cls, row: Account, needs_password: bool = False) -> AccountInfo:
        return cls(
            id=row.id,
            username=row.username,
            display_name=row.display_name,
            role=Role(row.role),
            removed=row.removed_at is not None,
            needs_password=needs_password,
        )


class SignedIn:
    """An open school database and the account using it. Services take this as their first
    argument and read the time from its ``clock`` (the system clock unless another was given);
    :meth:`sign_out` closes the database and wipes the key."""

    def __init__(
        self,
        database: SchoolDatabase,
        account: AccountInfo,
        device_secrets: DeviceSecretStore,
        clock: Clock | None = None,
    ) -> None:
        self.database = database
        self.account = account
        self.device_secrets = device_secrets
        self.clock = clock if clock is not None else SystemClock()
        self._remembered_at = 0.0
        database.after_commit = self._remember_now_and_then
        # Set when signing in upgraded the school to per-account keys and made a new recovery
        # key: the window shows its sheet at once (it is never stored).
        self.recovery_key_to_print: str | None = None
        # ... and the other accounts, which need a new password from a DSL before they can
        # sign in again (their old slots could not be given keys of their own).
        self.accounts_needing_passwords: list[str] = []

    @property
    def keys(self) -> PrivateKeys | None:
        """This account's private keys (None for an account still on a version 1 slot)."""
        return self.database.keys

    @property
    def path(self) -> Path:
        return self.database.files.database

    def require(self, permission: Permission) -> None:
        """Refuse (and record the refusal) unless the account's role allows ``permission``."""
        if can(self.account.role, permission):
            return
        with self.database.transaction() as session:
            self.record(session, "permission.refused", details={"permission": permission.value})
        raise NotAllowed(self.account.role.label, permission.description)

    def record(
        self,
        session: Session,
        action: str,
        *,
        subject_type: str | None = None,
        subject_id: str | int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        # Not stamped with ``self.clock``: the audit log keeps the real time (storage/audit.py).
        audit.append(
            session,
            actor_id=self.account.id,
            actor_name=self.account.display_name,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            details=details,
        )

    def device_secret_for_new_slots(self) -> bytes | None:
        """This PC's device secret, or ``None`` where password-only was chosen explicitly."""
        with self.database.reading() as session:
            mode = read_setting(session, KEY_STORAGE_SETTING)
        if mode == "password_only":
            return None
        return self.device_secrets.get_or_create()

    def sign_out(self) -> None:
        with self.database.transaction() as session:
            self.record(session, "sign_out")
        self.remember_position()
        self.database.close()

    def _remember_now_and_then(self) -> None:
        """After a commit: this PC's record of the newest state, at most twice a minute (the
        keyring is slow to write); signing out or locking always writes it."""
        now = time.monotonic()
        if now - self._remembered_at >= REMEMBER_EVERY_SECONDS:
            self._remembered_at = now
            try:
                self.remember_position()
            except ProblemForUser as exc:
                log.warning("The newest state was not remembered (%s)", type(exc).__name__)

    def remember_position(self) -> None:
        """Keep the database's newest state in this PC's keyring, so an older pair of files
        put back later is noticed at the next sign-in (services/history_guard.py)."""
        history_guard.remember(self.database, self.device_secrets)


@dataclass(frozen=True)
class NewSchool:
    signed_in: SignedIn
    recovery_key: str  # shown once; never stored


def validate_username(username: str) -> str:
    name = keyslots.normalise_account(username)
    if not _USERNAME.match(name):
        raise InvalidInput(
            f"{username!r} cannot be an account name. Use 2 to 64 letters, digits, dots, "
            "dashes or underscores, starting with a letter or digit (for example j.smith)."
        )
    return name


def create_school(
    path: Path,
    *,
    school_name: str,
    username: str,
    display_name: str,
    password: str,
    device_secrets: DeviceSecretStore,
    password_only: bool = False,
    first_settings: dict[str, Any] | None = None,
    clock: Clock | None = None,
) -> NewSchool:
    """Make a new encrypted school database with its first DSL account and a recovery key.

    ``password_only`` is the explicit choice for a PC with no keyring: the account's slot then
    depends on the password alone. The choice is recorded in the audit log.
    ``first_settings`` are stored with the school (the setup wizard's wording and contacts).
    ``clock`` is the signed-in session's (the system clock unless given).
    """
    clock = clock if clock is not None else SystemClock()
    school_name = school_name.strip()
    if not school_name:
        raise InvalidInput("Type the school's name.")
    username = validate_username(username)
    display_name = display_name.strip() or username
    require_acceptable_password(password, username)
    files = DatabaseFiles(Path(path))
    require_local_drive(files.database)  # before anything is made, the device secret included
    device_secret = None if password_only else device_secrets.get_or_create()

    make_private_folder(files.database.parent)
    database = SchoolDatabase.create(files)
    keep_private(files)  # whatever the umask: the WAL and SHM SQLite makes later follow it
    recovery = new_recovery_key()
    try:
        keys, slot = school_keys.new_account_keys(database, username, password, device_secret)
        recovery_keys = PrivateKeys.from_recovery_key(recovery, database.database_id)
        database.keys = keys
        database.signer_name = username
        with database.changing_key_slots() as slots:
            slots.signed.start(
                "school_created",
                at=SystemClock().utc_now().isoformat(timespec="seconds"),
                account=username,
                keys=keys,
                recovery=recovery_keys,
            )
            school_keys.give_account(database, slot)
            database.wrap_data_key_to(RECOVERY_SIGNER, recovery_keys.public)
            recovery_keys.wipe()
            with database.transaction() as session:
                write_setting(session, SCHOOL_NAME_SETTING, school_name)
                write_setting(
                    session, KEY_STORAGE_SETTING, "password_only" if password_only else "device"
                )
                for key, value in (first_settings or {}).items():
                    write_setting(session, key, value)
                account = Account(
                    username=username,
                    display_name=display_name,
                    role=Role.DSL.value,
                    created_at=clock.utc_now(),
                )
                session.add(account)
                session.flush()
                info = AccountInfo.of(account)
                signed_in = SignedIn(database, info, device_secrets, clock)
                signed_in.record(session, "school.created", details={"school_name": school_name})
                signed_in.record(
                    session,
                    "account.created",
                    subject_type="account",
                    subject_id=account.id,
                    details={"username": username, "role": Role.DSL.value},
                )
                if password_only:
                    signed_in.record(
                        session,
                        "security.password_only_chosen",
                        details={"reason": "no keyring on this PC; chosen by the administrator"},
                    )
                signed_in.record(session, "recovery_key.created")
                history.begin_sealing(session)  # every record is signed for from the start
    except BaseException:
        database.close()
        for leftover in files.all_existing():
            leftover.unlink(missing_ok=True)
        raise
    return NewSchool(signed_in=signed_in, recovery_key=format_recovery_key(recovery))


def unlock(
    files: DatabaseFiles, username: str, password: str, device_secrets: DeviceSecretStore
) -> Unlocked:
    """Open the account's key slot. Writes nothing but a note of a failed attempt."""
    key_slots = _load_key_slots(files)
    try:
        return open_password_slot(key_slots, username, password, device_secrets)
    except UnknownAccount:
        failed_sign_ins.note(
            files, key_slots, username, failed_sign_ins.UNKNOWN_ACCOUNT, device_secrets
        )
        raise
    except WrongPassword:
        failed_sign_ins.note(
            files, key_slots, username, failed_sign_ins.WRONG_PASSWORD, device_secrets
        )
        raise


def sign_in(
    path: Path,
    username: str,
    password: str,
    device_secrets: DeviceSecretStore,
    clock: Clock | None = None,
    *,
    upgrade_keys: bool = False,
) -> SignedIn:
    """Open the school database as ``username``; the session reads the time from ``clock``
    (the system clock unless given).

    A school made before keys for each account opens as it did (its version 1 slots) until a
    DSL signs in with ``upgrade_keys`` (the window, which can show the new recovery sheet at
    once): the DSL gets key pairs and the roster begins, the other accounts need new passwords
    (``accounts_needing_passwords``), the new recovery key is in ``recovery_key_to_print``, and
    the school's key is changed, so no copy of the old key file opens the database any more."""
    files = DatabaseFiles(Path(path))
    unlocked = unlock(files, username, password, device_secrets)
    database = SchoolDatabase.open(files, unlocked.key_slots, unlocked.data_key)
    database.keys = unlocked.keys
    try:
        history_guard.refuse_if_older(database, device_secrets)
    except BaseException:
        database.close()
        raise
    signed_in = start_session(database, unlocked.account, device_secrets, "sign_in", clock=clock)
    try:
        if unlocked.keys is None and upgrade_keys and signed_in.account.role is Role.DSL:
            recovery = _upgrade_school_keys(signed_in, password, recovery=None)
            signed_in.recovery_key_to_print = format_recovery_key(recovery)
        _after_upgrading(signed_in)
    except BaseException:
        database.close()
        raise
    return signed_in


def sign_in_with_recovery_key(
    path: Path,
    *,
    recovery_key: str,
    username: str,
    new_password: str,
    device_secrets: DeviceSecretStore,
    clock: Clock | None = None,
) -> SignedIn:
    """Open with the recovery key (a new PC, a forgotten password) and set a new password for
    ``username`` on this PC: the account gets new key pairs, signed for by the recovery key."""
    files = DatabaseFiles(Path(path))
    key_slots = _load_key_slots(files)
    try:
        unlocked = open_with_recovery(
            key_slots, recovery_key, "That recovery key belongs to a different school database."
        )
    except RecoveryKeyDoesNotFit:
        failed_sign_ins.note(
            files, key_slots, username, failed_sign_ins.WRONG_RECOVERY_KEY, device_secrets
        )
        raise
    assert unlocked.keys is not None
    recovery_keys = unlocked.keys
    database = SchoolDatabase.open(files, key_slots, unlocked.data_key)
    try:
        with database.reading() as session:
            row = active_account(session, username)
            mode = read_setting(session, KEY_STORAGE_SETTING)
            if row is None:
                raise UnknownAccount(username, active_usernames(session))
            account, role = row.username, Role(row.role)
        require_acceptable_password(new_password, account)
        device_secret = None if mode == "password_only" else device_secrets.get_or_create()
        if not key_slots.upgraded and role is not Role.DSL:
            # A school from before per-account keys: a slot of that kind, as it was then.
            with database.changing_key_slots() as slots:
                slots.legacy = [s for s in slots.legacy if s.account != account]
                slots.legacy.append(database.legacy_slot_for(account, new_password, device_secret))
                signed_in = _recovery_session(database, account, device_secrets, clock)
            return signed_in
        if not key_slots.upgraded:
            signed_in = _recovery_session(database, account, device_secrets, clock)
            recovery = parse_recovery_key(recovery_key)  # it opened the slot, so it parses
            _upgrade_school_keys(signed_in, new_password, recovery=recovery)
            _after_upgrading(signed_in)
            return signed_in
        keys, slot = school_keys.new_account_keys(database, account, new_password, device_secret)
        with database.changing_key_slots() as slots:
            school_keys.sign_change(
                database,
                "keys_renewed",
                signer=RECOVERY_SIGNER,
                signer_keys=recovery_keys,
                account=account,
                keys=keys.public,
            )
            school_keys.give_account(database, slot)
            database.keys = keys
            signed_in = _recovery_session(database, account, device_secrets, clock)
        # The account's new keys: the recovery key opens the restricted cases it may see.
        _after_upgrading(signed_in, also=[(RECOVERY_SIGNER, recovery_keys)])
        return signed_in
    except BaseException:
        database.close()
        raise
    finally:
        recovery_keys.wipe()


def _recovery_session(
    database: SchoolDatabase,
    account: str,
    device_secrets: DeviceSecretStore,
    clock: Clock | None,
) -> SignedIn:
    return start_session(
        database,
        account,
        device_secrets,
        "sign_in.recovery_key",
        extra_action="account.password_set_with_recovery_key",
        clock=clock,
    )


def _after_upgrading(
    signed_in: SignedIn, also: list[tuple[str, PrivateKeys]] | None = None
) -> None:
    """Seal every record for checking (once), and change the school's key if that is due: an
    upgrade (copies of the old key file held the same data key), or an account removed when
    the program stopped before the key changed. Then restricted cases: their keys reach the
    accounts that joined (or renewed their keys) since, and cases kept from an account before
    they were sealed are moved into seals (a DSL's sign-in)."""
    history_guard.begin_sealing(signed_in)
    if signed_in.keys is not None and signed_in.account.role is Role.DSL:
        from esafety_desktop.services import accounts  # it builds on this module

        due = accounts.school_key_change_due(signed_in)
        if due:
            accounts.change_school_key(signed_in, due)
    if signed_in.keys is not None:
        from esafety_desktop.services import restricted_cases, restricting  # they build on this

        restricting.move_kept_from_cases(signed_in)
        restricted_cases.settle_case_keys(signed_in, also)


def _upgrade_school_keys(signed_in: SignedIn, password: str, *, recovery: bytes | None) -> bytes:
    """Begin the signed roster (a DSL signing in to a school made before per-account keys)."""
    database = signed_in.database
    me = signed_in.account
    device_secret = signed_in.device_secret_for_new_slots()
    others = [name for name in active_usernames_now(database) if name != me.username]
    with database.changing_key_slots(), database.transaction() as session:
        keys, made = school_keys.upgrade(
            database,
            account=me.username,
            password=password,
            device_secret=device_secret,
            recovery=recovery,
        )
        database.keys = keys
        if recovery is None:
            write_setting(session, RECOVERY_SHEET_SETTING, None)  # the new sheet is not kept yet
        # Old copies of the key file open the same data key: it changes next (_after_upgrading).
        write_setting(session, SCHOOL_KEY_CHANGE_DUE_SETTING, "keys upgraded")
        signed_in.record(
            session,
            "security.keys_upgraded",
            details={"need_new_passwords": others, "new_recovery_key": recovery is None},
        )
        database.signer_name = me.username  # the entries from here on are signed
        history_guard.seal_everything(signed_in, session)
    signed_in.accounts_needing_passwords = others
    return made


def active_usernames_now(database: SchoolDatabase) -> list[str]:
    with database.reading() as session:
        return active_usernames(session)


def start_session(
    database: SchoolDatabase,
    username: str,
    device_secrets: DeviceSecretStore,
    action: str,
    *,
    extra_action: str | None = None,
    clock: Clock | None = None,
) -> SignedIn:
    """Begin a session for ``username`` on an open database. The account's role is the one
    the signed roster gives it (the database's copy is for showing and counting)."""
    try:
        role = school_keys.roster_role(database.key_slots, username)
        altered = database.roster_problem()
        if altered:
            raise KeyFileAltered(database.files.key_slots.name, altered)
        attempts = failed_sign_ins.read(database.files, database.key_slots, device_secrets)
        with database.transaction() as session:
            row = active_account(session, username)
            if row is None:
                raise UnknownAccount(username, active_usernames(session))
            info = AccountInfo.of(row)
            if role is not None and role is not info.role:
                info = AccountInfo(info.id, info.username, info.display_name, role, info.removed)
            signed_in = SignedIn(database, info, device_secrets, clock)
            database.signer_name = info.username
            failed_sign_ins.record(session, signed_in, attempts)
            signed_in.record(session, action)
            if extra_action:
                signed_in.record(session, extra_action, subject_type="account", subject_id=row.id)
        failed_sign_ins.moved_into_log(database.files, database.key_slots, device_secrets, attempts)
        history_guard.begin_sealing(signed_in)
        signed_in.remember_position()
    except BaseException:
        database.close()
        raise
    return signed_in


def _load_key_slots(files: DatabaseFiles) -> KeySlotFile:
    require_local_drive(files.database)  # before a byte is read or written
    if not files.database.exists() and not files.key_slots.exists():
        raise KeyFileProblem(
            f"There is no school database at {files.database}.",
            "Check the path, or create a new one with `esafety-desktop init`.",
        )
    keep_private(files)  # files made by versions before, when the umask allowed others in
    rotation.settle(files)  # a change of the school's key that a crash interrupted
    return KeySlotFile.load(files.key_slots)


def active_account(session: Session, username: str) -> Account | None:
    return session.scalar(
        select(Account).where(
            Account.username == keyslots.normalise_account(username),
            Account.removed_at.is_(None),
        )
    )


def active_usernames(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(Account.username).where(Account.removed_at.is_(None)).order_by(Account.username)
        )
    )


def read_setting(session: Session, key: str) -> Any:
    value = session.scalar(select(SchoolSetting.value).where(SchoolSetting.key == key))
    return None if value is None else json.loads(value)


def write_setting(session: Session, key: str, value: Any) -> None:
    session.merge(SchoolSetting(key=key, value=json.dumps(value)))

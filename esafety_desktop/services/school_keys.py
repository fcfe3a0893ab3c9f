"""Opening the key file with a password or the recovery key, and the changes only the keys
make: upgrading a school from one key for everybody to per-account keys, an account's first
keys, and every signed change to the roster (storage/roster.py).

Who may sign what is the roster's rule; this module refuses earlier, in words, so a service
never writes a roster that will not check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from esafety_desktop.domain.clock import SystemClock
from esafety_desktop.domain.recovery_key import (
    RecoveryKeyFormatError,
    format_recovery_key,
    new_recovery_key,
    parse_recovery_key,
)
from esafety_desktop.domain.roles import Role
from esafety_desktop.errors import (
    DeviceSecretMissing,
    InvalidInput,
    KeyFileAltered,
    KeyFileProblem,
    UnknownAccount,
    WrongPassword,
    WrongRecoveryKey,
)
from esafety_desktop.storage import keyslots
from esafety_desktop.storage.database import SchoolDatabase
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.key_file import KeySlotFile, recipient_of
from esafety_desktop.storage.keypairs import PrivateKeys, PublicKeys, WrongKeys
from esafety_desktop.storage.keyslots import SlotLocked, normalise_account
from esafety_desktop.storage.roster import RECOVERY_SIGNER, Change, RosterAltered, RosterState


@dataclass
class Unlocked:
    """What a password or the recovery key opened: the data key and, unless the slot is from
    before per-account keys, the account's private keys."""

    key_slots: KeySlotFile
    data_key: bytearray
    account: str
    keys: PrivateKeys | None

    def wipe(self) -> None:
        self.data_key[:] = bytes(len(self.data_key))
        if self.keys is not None:
            self.keys.wipe()


T = TypeVar("T")


class RecoveryKeyDoesNotFit(WrongRecoveryKey):
    """A well-formed recovery key that belongs to another database (or an older sheet)."""


def roster_state(key_slots: KeySlotFile) -> RosterState | None:
    """The signed roster's accounts, or None for a school from before per-account keys;
    :class:`KeyFileAltered` if the roster does not check."""
    if not key_slots.upgraded:
        if key_slots.account_slots or key_slots.data_key_wraps:
            raise KeyFileAltered(key_slots.path.name, "its list of accounts was removed.")
        return None
    problems = key_slots.signed.check()
    if problems:
        raise KeyFileAltered(key_slots.path.name, problems[0])
    return key_slots.signed.state()


def open_password_slot(
    key_slots: KeySlotFile, username: str, password: str, device_secrets: DeviceSecretStore
) -> Unlocked:
    """The data key (and the account's keys) from an account's password slot on this PC.

    The account must be on the signed roster with the public keys its slot holds, and its data
    key must be wrapped to those keys: a slot added, moved or given a role outside the app is
    refused before any password is tried."""
    name = normalise_account(username)
    state = roster_state(key_slots)
    slot = key_slots.account_slot(name)
    if slot is not None:
        member = state.active(name) if state else None
        if member is None or member.keys != slot.public:
            raise KeyFileAltered(
                key_slots.path.name, f"{name} is not on its signed list of accounts."
            )
        keys = _with_password(
            name,
            slot.device_secret_id,
            device_secrets,
            lambda secret: keyslots.open_account_keys(
                slot, database_id=key_slots.database_id, password=password, device_secret=secret
            ),
        )
        return Unlocked(key_slots, _data_key_for(key_slots, recipient_of(name), keys), name, keys)
    legacy = key_slots.legacy_slot(name)
    if legacy is None:
        raise UnknownAccount(name, key_slots.accounts())
    if state is not None:  # the upgrade dropped every old slot
        raise KeyFileAltered(key_slots.path.name, f"{name} is not on its signed list of accounts.")
    data_key = _with_password(
        name,
        legacy.device_secret_id,
        device_secrets,
        lambda secret: keyslots.open_with_password(
            legacy, database_id=key_slots.database_id, password=password, device_secret=secret
        ),
    )
    return Unlocked(key_slots, data_key, name, None)


def _with_password(
    name: str,
    device_secret_id: str | None,
    device_secrets: DeviceSecretStore,
    open_slot: Callable[[bytes | None], T],
) -> T:
    """Open a slot with this PC's device secret (if it needs one): a wrong password, or this
    PC's secret not being the one, said in words."""
    device_secret = _device_secret_for(device_secret_id, device_secrets)
    try:
        return open_slot(device_secret)
    except SlotLocked:
        raise WrongPassword(name) from None


def open_with_recovery(key_slots: KeySlotFile, recovery_key: str, wrong_key: str) -> Unlocked:
    """The data key, and the recovery key's own key pairs, from the recovery key; ``wrong_key``
    says what a key that does not fit means here."""
    try:
        recovery = parse_recovery_key(recovery_key)
    except RecoveryKeyFormatError as exc:
        raise WrongRecoveryKey(str(exc)) from None
    state = roster_state(key_slots)
    if state is None:
        slot = key_slots.legacy_recovery_slot()
        if slot is None:
            raise KeyFileProblem(
                "This school database has no recovery key slot.", "Ask the DSL to make a new one."
            )
        try:
            data_key = keyslots.open_with_recovery_key(
                slot, database_id=key_slots.database_id, recovery_key=recovery
            )
        except SlotLocked:
            raise RecoveryKeyDoesNotFit(wrong_key) from None
        keys = PrivateKeys.from_recovery_key(recovery, key_slots.database_id)
        return Unlocked(key_slots, data_key, RECOVERY_SIGNER, keys)
    keys = PrivateKeys.from_recovery_key(recovery, key_slots.database_id)
    if state.recovery != keys.public:
        keys.wipe()
        raise RecoveryKeyDoesNotFit(wrong_key)
    return Unlocked(key_slots, _data_key_for(key_slots, RECOVERY_SIGNER, keys), "", keys)


def roster_role(key_slots: KeySlotFile, account: str) -> Role | None:
    """The account's role as the signed roster gives it (None before per-account keys)."""
    state = roster_state(key_slots)
    if state is None:
        return None
    member = state.active(normalise_account(account))
    if member is None:
        raise KeyFileAltered(
            key_slots.path.name, f"{account} is not on its signed list of accounts."
        )
    return Role(member.role)


# -- changes -----------------------------------------------------------------------------


def upgrade(
    database: SchoolDatabase,
    *,
    account: str,
    password: str,
    device_secret: bytes | None,
    recovery: bytes | None,
) -> tuple[PrivateKeys, bytes]:
    """Begin the signed roster of a school made before per-account keys: the DSL signing in
    gets key pairs and signs the roster's first change. Every other account's old slot is
    dropped: nothing could prove later that keys claimed for it came from its owner, so a DSL
    sets each a new password (Accounts › Reset password), which signs them onto the roster.
    ``recovery`` is the recovery key when it was typed; otherwise a new one is made and
    returned (the old sheet cannot sign nor follow a change of the school's key).

    Call inside :meth:`SchoolDatabase.changing_key_slots` and a transaction."""
    slots = database.key_slots
    keys = PrivateKeys.new()
    recovery = recovery if recovery is not None else new_recovery_key()
    recovery_keys = PrivateKeys.from_recovery_key(recovery, database.database_id)
    slot = keyslots.seal_account_keys(
        keys,
        database_id=database.database_id,
        account=account,
        password=password,
        device_secret=device_secret,
    )
    at = _now()
    slots.signed.start(
        "keys_upgraded",
        at=at,
        account=slot.account,
        keys=keys,
        recovery=recovery_keys,
    )
    slots.put_account(slot)
    database.wrap_data_key_to(recipient_of(slot.account), keys.public)
    database.wrap_data_key_to(RECOVERY_SIGNER, recovery_keys.public)
    slots.legacy = []  # every old slot: the other accounts get new passwords from a DSL
    recovery_keys.wipe()
    return keys, recovery


def new_account_keys(
    database: SchoolDatabase, account: str, password: str, device_secret: bytes | None
) -> tuple[PrivateKeys, keyslots.AccountSlot]:
    """Fresh key pairs for ``account`` sealed under ``password``: Argon2, so about half a
    second; done before the writer's lock is taken."""
    keys = PrivateKeys.new()
    slot = keyslots.seal_account_keys(
        keys,
        database_id=database.database_id,
        account=account,
        password=password,
        device_secret=device_secret,
    )
    return keys, slot


def sign_change(
    database: SchoolDatabase,
    change: Change,
    *,
    signer: str,
    signer_keys: PrivateKeys | None,
    account: str | None = None,
    role: Role | None = None,
    keys: PublicKeys | None = None,
    recovery: PublicKeys | None = None,
) -> None:
    """Append one signed change to the roster (inside ``changing_key_slots``)."""
    if signer_keys is None or not database.key_slots.upgraded:
        raise InvalidInput(
            "This school's key file is from an earlier version of eSafety Desktop. Sign in to "
            "the app once as a Designated Safeguarding Lead: it upgrades the keys, and then "
            "accounts can be changed."
        )
    try:
        database.key_slots.signed.add(
            change,
            at=_now(),
            signer=signer,
            signer_keys=signer_keys,
            account=account,
            role=role.value if role else None,
            keys=keys,
            recovery=recovery,
        )
    except RosterAltered as exc:
        raise InvalidInput(f"That change cannot be signed: {exc}") from None


def give_account(database: SchoolDatabase, slot: keyslots.AccountSlot) -> None:
    """Put an account's password slot in the key file and wrap the data key to it."""
    database.key_slots.put_account(slot)
    database.wrap_data_key_to(recipient_of(slot.account), slot.public)


def recovery_key_text(recovery: bytes) -> str:
    return format_recovery_key(recovery)


def _data_key_for(key_slots: KeySlotFile, recipient: str, keys: PrivateKeys) -> bytearray:
    try:
        return key_slots.unwrap_data_key(recipient, keys)
    except KeyError:
        keys.wipe()
        raise KeyFileProblem(
            "The key file holds no key of the school's database for this account.",
            "Ask a Designated Safeguarding Lead to reset your password; the records are safe.",
        ) from None
    except WrongKeys:
        keys.wipe()
        raise KeyFileAltered(
            key_slots.path.name, "the school's key wrapped for this account was changed."
        ) from None


def _device_secret_for(wanted: str | None, device_secrets: DeviceSecretStore) -> bytes | None:
    if wanted is None:
        return None
    secret = device_secrets.get()
    if secret is None or keyslots.device_secret_id(secret) != wanted:
        raise DeviceSecretMissing()
    return secret


def _now() -> str:
    # The real time, like the audit log: never a session's clock (the demo's is invented).
    return SystemClock().utc_now().isoformat(timespec="seconds")

"""Account administration (the DSL's job) and changing one's own password."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from esafety_desktop.domain.recovery_key import format_recovery_key, new_recovery_key
from esafety_desktop.domain.roles import Permission, Role, can
from esafety_desktop.errors import InvalidInput, UnknownAccount, WrongPassword
from esafety_desktop.services import school_keys
from esafety_desktop.services.access import (
    RECOVERY_SHEET_SETTING,
    SCHOOL_KEY_CHANGE_DUE_SETTING,
    AccountInfo,
    SignedIn,
    active_account,
    active_usernames,
    read_setting,
    unlock,
    validate_username,
    write_setting,
)
from esafety_desktop.services.incidents.drafts import reseal_my_drafts
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.passwords import require_acceptable_password
from esafety_desktop.services.restricted_cases import settle_case_keys
from esafety_desktop.storage.key_file import KeySlotFile, recipient_of
from esafety_desktop.storage.keypairs import PrivateKeys, PublicKeys
from esafety_desktop.storage.models import Account
from esafety_desktop.storage.roster import RECOVERY_SIGNER, Change


def list_accounts(signed_in: SignedIn, *, include_removed: bool = False) -> list[AccountInfo]:
    signed_in.require(Permission.MANAGE_ACCOUNTS)
    with signed_in.database.reading() as session:
        query = select(Account).order_by(Account.display_name)
        if not include_removed:
            query = query.where(Account.removed_at.is_(None))
        roster = school_keys.roster_state(signed_in.database.key_slots)
        return [
            AccountInfo.of(
                row,
                needs_password=(
                    roster is not None
                    and row.removed_at is None
                    and roster.active(row.username) is None
                ),
            )
            for row in session.scalars(query)
        ]


@open_to_every_role("who cannot sign in yet: every role is told to ask a DSL")
def accounts_needing_passwords(signed_in: SignedIn) -> list[AccountInfo]:
    """Accounts that cannot sign in until a DSL gives them a new password (the school's keys
    were upgraded since they last signed in)."""
    if not can(signed_in.account.role, Permission.MANAGE_ACCOUNTS):
        return []
    return [a for a in list_accounts(signed_in) if a.needs_password]


def add_account(
    signed_in: SignedIn, *, username: str, display_name: str, role: Role, password: str
) -> AccountInfo:
    """A new account that can sign in on this PC with ``password``."""
    signed_in.require(Permission.MANAGE_ACCOUNTS)
    username = validate_username(username)
    display_name = display_name.strip()
    if not display_name:
        raise InvalidInput("Type the person's full name.")
    require_acceptable_password(password, username)
    database = signed_in.database
    device_secret = signed_in.device_secret_for_new_slots()
    # Argon2 takes half a second: done before the change starts, so no other write waits.
    keys, slot = school_keys.new_account_keys(database, username, password, device_secret)
    keys.wipe()  # the new account's own: only its password opens them from now on
    with database.changing_key_slots(), database.transaction() as session:
        existing = session.scalar(select(Account).where(Account.username == username))
        if existing is not None and existing.removed_at is None:
            raise InvalidInput(f"There is already an account called {username}.")
        if existing is None:
            existing = Account(username=username, created_at=signed_in.clock.utc_now())
            session.add(existing)
        existing.display_name = display_name
        existing.role = role.value
        existing.removed_at = None
        session.flush()
        _sign(
            signed_in,
            "account_added",
            account=username,
            role=role,
            keys=slot.public,
        )
        school_keys.give_account(database, slot)
        signed_in.record(
            session,
            "account.created",
            subject_type="account",
            subject_id=existing.id,
            details={"username": username, "role": role.value},
        )
        added = AccountInfo.of(existing)
    settle_case_keys(signed_in)  # the restricted cases it may see, wrapped to it now
    return added


def reset_password(signed_in: SignedIn, *, username: str, new_password: str) -> None:
    """Set another person's password (they forgot it); the old one stops working at once."""
    signed_in.require(Permission.MANAGE_ACCOUNTS)
    database = signed_in.database
    device_secret = signed_in.device_secret_for_new_slots()
    with database.reading() as session:
        name = _require_account(session, username).username
    require_acceptable_password(new_password, name)
    keys, slot = school_keys.new_account_keys(database, name, new_password, device_secret)
    keys.wipe()
    with database.changing_key_slots() as slots, database.transaction() as session:
        row = _require_account(session, username)
        state = school_keys.roster_state(slots)
        if state is not None and state.active(row.username) is None:
            # Not signed onto the roster yet (its old slot was dropped when the school's keys
            # were upgraded): the DSL signs it on now, with its role.
            _sign(
                signed_in,
                "account_added",
                account=row.username,
                role=Role(row.role),
                keys=slot.public,
            )
        else:
            _renew_keys(signed_in, row.username, slot.public)
        school_keys.give_account(database, slot)
        signed_in.record(
            session, "account.password_reset", subject_type="account", subject_id=row.id
        )
    settle_case_keys(signed_in)  # its new keys open the restricted cases it may see


def change_role(signed_in: SignedIn, *, username: str, role: Role) -> None:
    signed_in.require(Permission.MANAGE_ACCOUNTS)
    database = signed_in.database
    with database.changing_key_slots(), database.transaction() as session:
        row = _require_account(session, username)
        old = Role(row.role)
        if old == role:
            return
        if old == Role.DSL:
            _refuse_if_last_dsl(session, row, "change the role of")
        _sign(
            signed_in,
            "role_changed",
            account=row.username,
            role=role,
        )
        row.role = role.value
        signed_in.record(
            session,
            "account.role_changed",
            subject_type="account",
            subject_id=row.id,
            details={"from": old.value, "to": role.value},
        )


def remove_account(signed_in: SignedIn, *, username: str) -> None:
    """The person can no longer sign in; their name stays in the records they made."""
    signed_in.require(Permission.MANAGE_ACCOUNTS)
    database = signed_in.database
    with database.changing_key_slots() as slots, database.transaction() as session:
        row = _require_account(session, username)
        if row.id == signed_in.account.id:
            raise InvalidInput("You cannot remove your own account while signed in with it.")
        if Role(row.role) == Role.DSL:
            _refuse_if_last_dsl(session, row, "remove")
        _sign(
            signed_in,
            "account_removed",
            account=row.username,
        )
        row.removed_at = signed_in.clock.utc_now()
        slots.drop_account(row.username)
        write_setting(session, SCHOOL_KEY_CHANGE_DUE_SETTING, "account removed")
        signed_in.record(
            session,
            "account.removed",
            subject_type="account",
            subject_id=row.id,
            details={"username": row.username},
        )
    settle_case_keys(signed_in)  # its wraps of restricted cases' keys go
    change_school_key(signed_in, "account removed")


@dataclass(frozen=True)
class SchoolKeyChanged:
    generation: int
    # Accounts still waiting for a new password since the school's keys were upgraded: they
    # cannot sign in until a DSL resets it.
    need_new_passwords: list[str]


def change_school_key(signed_in: SignedIn, why: str = "asked for") -> SchoolKeyChanged:
    """A new data key for the school (Settings › Security, after a password may have been
    seen, and after removing an account or replacing the recovery key): the database is
    encrypted again under it, and it is wrapped to the accounts on the roster and the recovery
    key only. A removed account, an old recovery sheet or an old password (even with an older
    copy of the key file) then open nothing current; backups made before keep the old key."""
    signed_in.require(Permission.MANAGE_ACCOUNTS)
    database = signed_in.database
    if not database.key_slots.upgraded or signed_in.keys is None:
        raise InvalidInput(
            "This school's key file is from an earlier version of eSafety Desktop. Sign in to "
            "the app once as a Designated Safeguarding Lead: it upgrades the keys, and then "
            "the school's key can be changed."
        )

    def recipients_in(key_slots: KeySlotFile) -> dict[str, PublicKeys]:
        state = school_keys.roster_state(key_slots)
        assert state is not None
        recipients = {recipient_of(m.account): m.keys for m in state.members.values() if m.active}
        if state.recovery is not None:
            recipients[RECOVERY_SIGNER] = state.recovery
        return recipients

    database.change_data_key(recipients_in)
    roster = database.key_slots.signed.state()
    with database.reading() as session:
        left_out = [n for n in active_usernames(session) if roster.active(n) is None]
    with database.transaction() as session:
        write_setting(session, SCHOOL_KEY_CHANGE_DUE_SETTING, None)
        signed_in.record(
            session,
            "security.school_key_changed",
            details={
                "why": why,
                "generation": database.key_slots.generation,
                "need_new_passwords": left_out,
            },
        )
    signed_in.remember_position()
    return SchoolKeyChanged(database.key_slots.generation, left_out)


@open_to_every_role("whether the school's key must change: every session finishes it")
def school_key_change_due(signed_in: SignedIn) -> str | None:
    """Why the school's key must still be changed (an account was removed and the program
    stopped before the key changed), or None."""
    with signed_in.database.reading() as session:
        due = read_setting(session, SCHOOL_KEY_CHANGE_DUE_SETTING)
    return str(due) if due else None


@open_to_every_role("an account's own password")
def change_own_password(signed_in: SignedIn, *, current_password: str, new_password: str) -> None:
    database = signed_in.database
    username = signed_in.account.username
    try:
        unlock(database.files, username, current_password, signed_in.device_secrets).wipe()
    except WrongPassword:
        raise WrongPassword(username) from None
    require_acceptable_password(new_password, username)
    if new_password == current_password:
        raise InvalidInput("The new password must differ from the current one.")
    device_secret = signed_in.device_secret_for_new_slots()
    if not database.key_slots.upgraded:  # a school still on version 1 slots: one of those
        legacy = database.legacy_slot_for(username, new_password, device_secret)
        with database.changing_key_slots() as slots, database.transaction() as session:
            slots.legacy = [s for s in slots.legacy if s.account != legacy.account] + [legacy]
            signed_in.record(
                session,
                "account.password_changed",
                subject_type="account",
                subject_id=signed_in.account.id,
            )
        return
    # New key pairs with the new password: a slot copied with the old one opens nothing new.
    keys, slot = school_keys.new_account_keys(database, username, new_password, device_secret)
    previous: PrivateKeys | None = None
    with database.changing_key_slots(), database.transaction() as session:
        _renew_keys(signed_in, username, slot.public)
        school_keys.give_account(database, slot)
        old, database.keys = database.keys, keys
        if old is not None:
            reseal_my_drafts(session, signed_in, old, keys.public)
            previous = old.copy()  # opens the restricted cases' wraps until they are renewed
            old.wipe()
        signed_in.record(
            session,
            "account.password_changed",
            subject_type="account",
            subject_id=signed_in.account.id,
        )
    try:  # the restricted cases it holds, wrapped to its new keys
        settle_case_keys(signed_in, also=[(recipient_of(username), previous)] if previous else None)
    finally:
        if previous is not None:
            previous.wipe()


def replace_recovery_key(signed_in: SignedIn) -> str:
    """A new recovery key, and a new data key wrapped to it: the old sheet opens nothing
    current (backups made before still open with it). Returns the key to print, once."""
    signed_in.require(Permission.MANAGE_RECOVERY_KEY)
    database = signed_in.database
    recovery = new_recovery_key()
    recovery_keys = PrivateKeys.from_recovery_key(recovery, database.database_id)
    with database.changing_key_slots() as slots, database.transaction() as session:
        _sign(
            signed_in,
            "recovery_replaced",
            recovery=recovery_keys.public,
        )
        database.wrap_data_key_to(RECOVERY_SIGNER, recovery_keys.public)
        slots.drop_legacy_recovery()
        recovery_keys.wipe()
        write_setting(session, RECOVERY_SHEET_SETTING, None)  # the new sheet is not kept yet
        write_setting(session, SCHOOL_KEY_CHANGE_DUE_SETTING, "recovery key replaced")
        signed_in.record(session, "recovery_key.replaced")
    settle_case_keys(signed_in)  # restricted cases: wrapped to the new recovery key
    # The old sheet could unwrap the old data key from an older copy of the key file: a new
    # data key makes it open nothing current.
    change_school_key(signed_in, "recovery key replaced")
    return format_recovery_key(recovery)


def _renew_keys(
    signed_in: SignedIn,
    account: str,
    public: PublicKeys,
) -> None:
    """Sign an account's new public keys into the roster: a DSL signs for anyone; an account
    changing its own password signs with its current keys."""
    _sign(
        signed_in,
        "keys_renewed",
        account=account,
        keys=public,
    )


def _sign(signed_in: SignedIn, change: Change, **fields: Any) -> None:
    """A roster change signed by the account signed in (refused unless it may sign it)."""
    school_keys.sign_change(
        signed_in.database,
        change,
        signer=signed_in.account.username,
        signer_keys=signed_in.keys,
        **fields,
    )


def _require_account(session: Session, username: str) -> Account:
    row = active_account(session, username)
    if row is None:
        raise UnknownAccount(username, active_usernames(session))
    return row


def _refuse_if_last_dsl(session: Session, row: Account, doing: str) -> None:
    dsl_count = session.scalar(
        select(func.count())
        .select_from(Account)
        .where(Account.role == Role.DSL.value, Account.removed_at.is_(None))
    )
    if (dsl_count or 0) <= 1:
        raise InvalidInput(
            f"You cannot {doing} {row.display_name}: they are the only Designated Safeguarding "
            "Lead, and someone must be able to manage accounts. Add another DSL first."
        )

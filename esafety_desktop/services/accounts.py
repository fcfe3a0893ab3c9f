"""Account administration (the DSL's job) and changing one's own password."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from esafety_desktop.domain.recovery_key import format_recovery_key, new_recovery_key
from esafety_desktop.domain.roles import Permission, Role
from esafety_desktop.errors import InvalidInput, UnknownAccount, WrongPassword
from esafety_desktop.services.access import (
    RECOVERY_SHEET_SETTING,
    AccountInfo,
    SignedIn,
    active_account,
    active_usernames,
    unlock,
    validate_username,
    write_setting,
)
from esafety_desktop.services.passwords import require_acceptable_password
from esafety_desktop.storage.models import Account


def list_accounts(signed_in: SignedIn, *, include_removed: bool = False) -> list[AccountInfo]:
    signed_in.require(Permission.MANAGE_ACCOUNTS)
    with signed_in.database.reading() as session:
        query = select(Account).order_by(Account.display_name)
        if not include_removed:
            query = query.where(Account.removed_at.is_(None))
        return [AccountInfo.of(row) for row in session.scalars(query)]


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
    slot = database.seal_for_account(username, password, device_secret)
    with database.changing_key_slots() as slots, database.transaction() as session:
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
        slots.put(slot)
        signed_in.record(
            session,
            "account.created",
            subject_type="account",
            subject_id=existing.id,
            details={"username": username, "role": role.value},
        )
        return AccountInfo.of(existing)


def reset_password(signed_in: SignedIn, *, username: str, new_password: str) -> None:
    """Set another person's password (they forgot it); the old one stops working at once."""
    signed_in.require(Permission.MANAGE_ACCOUNTS)
    database = signed_in.database
    device_secret = signed_in.device_secret_for_new_slots()
    with database.reading() as session:
        name = _require_account(session, username).username
    require_acceptable_password(new_password, name)
    slot = database.seal_for_account(name, new_password, device_secret)  # before the lock
    with database.changing_key_slots() as slots, database.transaction() as session:
        row = _require_account(session, username)
        slots.put(slot)
        signed_in.record(
            session, "account.password_reset", subject_type="account", subject_id=row.id
        )


def change_role(signed_in: SignedIn, *, username: str, role: Role) -> None:
    signed_in.require(Permission.MANAGE_ACCOUNTS)
    with signed_in.database.transaction() as session:
        row = _require_account(session, username)
        old = Role(row.role)
        if old == role:
            return
        if old == Role.DSL:
            _refuse_if_last_dsl(session, row, "change the role of")
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
        row.removed_at = signed_in.clock.utc_now()
        slots.remove_account(row.username)
        signed_in.record(
            session,
            "account.removed",
            subject_type="account",
            subject_id=row.id,
            details={"username": row.username},
        )


def change_own_password(signed_in: SignedIn, *, current_password: str, new_password: str) -> None:
    database = signed_in.database
    username = signed_in.account.username
    try:
        _, proof = unlock(database.files, username, current_password, signed_in.device_secrets)
    except WrongPassword:
        raise WrongPassword(username) from None
    proof[:] = bytes(len(proof))
    require_acceptable_password(new_password, username)
    if new_password == current_password:
        raise InvalidInput("The new password must differ from the current one.")
    device_secret = signed_in.device_secret_for_new_slots()
    slot = database.seal_for_account(username, new_password, device_secret)  # before the lock
    with database.changing_key_slots() as slots, database.transaction() as session:
        slots.put(slot)
        signed_in.record(
            session,
            "account.password_changed",
            subject_type="account",
            subject_id=signed_in.account.id,
        )


def replace_recovery_key(signed_in: SignedIn) -> str:
    """A new recovery key; the old sheet stops working. Returns the key to print, once."""
    signed_in.require(Permission.MANAGE_RECOVERY_KEY)
    database = signed_in.database
    recovery = new_recovery_key()
    with database.changing_key_slots() as slots, database.transaction() as session:
        slots.put(database.seal_for_recovery(recovery))
        write_setting(session, RECOVERY_SHEET_SETTING, None)  # the new sheet is not kept yet
        signed_in.record(session, "recovery_key.replaced")
    return format_recovery_key(recovery)


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

"""What a session keeps and checks of the school's history beyond the database itself.

* **This PC's record of the newest state**: each database's newest audit entry and key
  generation, per path, in the keyring; a sign-in with a password refuses an older pair of
  files put back (the recovery key goes on with it deliberately; Restore puts a backup back
  openly).
* **Sealing begins**: the first signed session seals every record as it is
  (storage/history.py), so ``verify`` names an edit made outside the app from then on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from esafety_desktop.errors import DatabaseOlderThanLastUsed
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.storage import audit, history
from esafety_desktop.storage.database import SchoolDatabase
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.models import AuditEntry

if TYPE_CHECKING:
    from esafety_desktop.services.access import SignedIn


def remember(database: SchoolDatabase, device_secrets: DeviceSecretStore) -> None:
    with database.reading() as session:
        newest = audit.newest(session)
    if newest is not None:
        device_secrets.remember_position(
            database.database_id,
            where(database),
            {"audit": list(newest), "generation": database.key_slots.generation},
        )


def refuse_if_older(database: SchoolDatabase, device_secrets: DeviceSecretStore) -> None:
    """Refuse a database and key file older than the pair this PC last closed: someone may
    have put back an older copy to undo what was recorded since. The recovery key opens it
    anyway (a deliberate choice, recorded), and Restore puts a backup back openly."""
    pinned = device_secrets.remembered_position(database.database_id, where(database))
    if not pinned:
        return
    try:
        sequence, entry_hash = int(pinned["audit"][0]), str(pinned["audit"][1])
        generation = int(pinned.get("generation", 0))
    except (KeyError, IndexError, TypeError, ValueError):
        return  # not a record this program wrote
    with database.reading() as session:
        newest = audit.newest(session)
        there = session.scalar(select(AuditEntry.hash).where(AuditEntry.sequence == sequence))
    older = newest is None or newest[0] < sequence or database.key_slots.generation < generation
    if older or there != entry_hash:
        found = newest[0] if newest else 0
        raise DatabaseOlderThanLastUsed(
            f"The school database and its key file are {'older than' if older else 'not'} "
            f"the ones last used on this PC: this PC last saw audit entry {sequence}, and "
            f"{'the newest here is ' + str(found) if older else 'that entry is different here'}"
            ". Someone may have put back another copy to undo what was recorded since.",
            "Nothing has been changed. Restore the newest backup (Restore from a backup on the "
            "sign-in screen), and tell your headteacher or chair of governors. If this copy was "
            "put back on purpose, sign in with the recovery key to go on with it.",
        )


def where(database: SchoolDatabase) -> str:
    return str(database.files.database.resolve())


@open_to_every_role("every session seals what it writes")
def begin_sealing(signed_in: SignedIn) -> None:
    """The first signed session seals every record as it is (storage/history.py), so an edit
    made outside the app from then on is named by ``verify``."""
    if signed_in.keys is None:
        return
    with signed_in.database.reading() as session:
        if history.sealed_from(session) is not None:
            return
    with signed_in.database.transaction() as session:
        seal_everything(signed_in, session)


@open_to_every_role("every session seals what it writes")
def seal_everything(signed_in: SignedIn, session: Session) -> None:
    signed_in.record(session, "security.records_sealed")
    sealed = history.begin_sealing(session)
    audit.pending(session)[-1].details = audit.canonical_details({"records": sealed})

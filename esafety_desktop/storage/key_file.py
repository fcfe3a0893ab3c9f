"""The key file beside the database (``school.db.keys``): everything needed to open it.

* the **signed roster** (storage/roster.py): the accounts, their roles and public keys;
* one **password slot** per account (storage/keyslots.py): its private keys, sealed under its
  password and this PC's secret;
* the **data key**, wrapped to each account's public key and to the recovery key's, with the
  *generation* of the data key (it changes when the school's key is changed);
* the **audit anchor**: the newest audit entry, so a log cut short is noticed;
* during a change of the school's key, the **next** key file, so a crash at any point finishes
  or undoes the change on the next opening (storage/rotation.py).

Version 1 (before per-account keys) is read too: its slots become ``legacy`` slots, which open
the database as before until a DSL signs in to the app and upgrades the school (then they are
dropped and the other accounts get new passwords). ``docs/file-format.md`` describes the
file for anyone who must recover a school's data without this program.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from esafety_desktop.errors import KeyFileProblem
from esafety_desktop.storage.files import write_atomically
from esafety_desktop.storage.keypairs import PrivateKeys, PublicKeys, WrappedKey, wrap_key
from esafety_desktop.storage.keyslots import (
    LEGACY_VERSION,
    AccountSlot,
    AuditAnchor,
    KeySlot,
    normalise_account,
)
from esafety_desktop.storage.roster import RECOVERY_SIGNER, Roster

FORMAT = "esafety-desktop-key-slots"
FORMAT_VERSION = 2
DATA_KEY = "data key"
# A key file is a few kilobytes per account; anything far larger is not one of ours.
MAXIMUM_BYTES = 4 * 1024 * 1024


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns, status.st_ino


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not a number a key file holds")


def recipient_of(account: str) -> str:
    return f"account:{normalise_account(account)}"


@dataclass
class KeySlotFile:
    path: Path
    database_id: str
    account_slots: list[AccountSlot] = field(default_factory=list)
    # The data key wrapped to each account ("account:<name>") and to the recovery key.
    data_key_wraps: dict[str, WrappedKey] = field(default_factory=dict)
    roster: Roster | None = None
    generation: int = 1
    audit_anchor: AuditAnchor | None = None
    # The first 16 bytes of the database file (SQLCipher's salt, not secret), so a key file
    # paired with the wrong database is told apart from a damaged database.
    database_salt: str | None = None
    legacy: list[KeySlot] = field(default_factory=list)  # version 1 slots still to be replaced
    rotation: dict[str, Any] | None = None  # the next key file, while the key is being changed
    # The file's size and change time when this copy was loaded or saved (None: never).
    seen: tuple[int, int, int] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.roster is None:
            self.roster = Roster(self.database_id)

    @property
    def signed(self) -> Roster:
        assert self.roster is not None
        return self.roster

    # -- the file ------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        if not path.exists():
            raise KeyFileProblem(
                f"The key file {path.name} is missing from {path.parent}.",
                "It sits beside the database and holds the locked keys. Restore it from the "
                "backup it was taken with; without it the database cannot be opened.",
            )
        try:
            if path.stat().st_size > MAXIMUM_BYTES:
                raise ValueError("far too large for a key file")
            seen = _stamp(path)
            raw = json.loads(path.read_bytes().decode("utf-8"), parse_constant=_no_constants)
            loaded = cls.from_document(path, raw)
            loaded.seen = seen
            return loaded
        except (
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            UnicodeDecodeError,
            RecursionError,
            OverflowError,
        ) as exc:
            raise KeyFileProblem(
                f"The key file {path.name} is damaged or is not an eSafety Desktop key file "
                f"({exc}).",
                "Restore it from the backup it was taken with. It has not been changed.",
            ) from exc

    @classmethod
    def from_document(cls, path: Path, raw: dict[str, Any]) -> KeySlotFile:
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ValueError("not a key-slot file")
        version = raw.get("version")
        anchor = raw.get("audit_anchor")
        database_id = str(raw["database_id"])
        audit_anchor = AuditAnchor.from_json(anchor) if anchor else None
        salt = raw.get("database_salt")
        if salt is not None and not isinstance(salt, str):
            raise ValueError("the database's salt is text")
        if version == LEGACY_VERSION:
            return cls(
                path,
                database_id,
                audit_anchor=audit_anchor,
                database_salt=salt,
                legacy=[KeySlot.from_json(s) for s in raw["slots"]],
            )
        if version != FORMAT_VERSION:
            raise ValueError(f"key-slot file version {version}")
        generation = raw["generation"]
        if type(generation) is not int or generation < 1:
            raise ValueError("the data key's generation is a whole number")
        rotation = raw.get("rotation")
        if rotation is not None:
            if not isinstance(rotation, dict) or rotation.get("rotation") is not None:
                raise ValueError("the key change under way is a key file")
            cls.from_document(path, rotation)  # refused here, in words, if it is not one
        return cls(
            path,
            database_id,
            audit_anchor=audit_anchor,
            database_salt=salt,
            account_slots=[AccountSlot.from_json(s) for s in raw["accounts"]],
            data_key_wraps={
                str(to): WrappedKey.from_json(w) for to, w in dict(raw["data_key"]).items()
            },
            roster=Roster.from_json(database_id, raw["roster"]),
            generation=generation,
            legacy=[KeySlot.from_json(s) for s in raw.get("legacy_slots", [])],
            rotation=rotation,
        )

    def to_document(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "database_id": self.database_id,
            "database_salt": self.database_salt,
            "generation": self.generation,
            "roster": self.signed.to_json(),
            "accounts": [s.to_json() for s in self.account_slots],
            "data_key": {to: w.to_json() for to, w in sorted(self.data_key_wraps.items())},
            "legacy_slots": [s.to_json() for s in self.legacy],
            "audit_anchor": self.audit_anchor.to_json() if self.audit_anchor else None,
            "rotation": self.rotation,
        }

    def document(self) -> bytes:
        """The file's bytes as :meth:`save` writes them."""
        return json.dumps(self.to_document(), indent=2).encode("utf-8") + b"\n"

    def save(self) -> None:
        write_atomically(self.path, self.document())
        self.seen = _stamp(self.path)

    def changed_on_disk(self) -> bool:
        """True unless the file on disk is the one this copy last loaded or saved."""
        return self.seen is None or _stamp(self.path) != self.seen

    # -- what it holds -------------------------------------------------------------------

    @property
    def upgraded(self) -> bool:
        """True once the roster has begun (per-account keys); False for a version 1 school."""
        return bool(self.signed.entries)

    def accounts(self) -> list[str]:
        """The accounts that can sign in with a password here (for the sign-in screen)."""
        names = {s.account for s in self.account_slots}
        names |= {s.account for s in self.legacy if s.kind == "password" and s.account}
        return sorted(names)

    def account_slot(self, account: str) -> AccountSlot | None:
        wanted = normalise_account(account)
        return next((s for s in self.account_slots if s.account == wanted), None)

    def legacy_slot(self, account: str) -> KeySlot | None:
        wanted = normalise_account(account)
        return next((s for s in self.legacy if s.kind == "password" and s.account == wanted), None)

    def legacy_recovery_slot(self) -> KeySlot | None:
        return next((s for s in self.legacy if s.kind == "recovery"), None)

    # Kept under its old name for the version 1 code paths (backups of old schools, tests).
    recovery_slot = legacy_recovery_slot
    password_slot = legacy_slot

    def data_key_context(self, recipient: str) -> dict[str, Any]:
        return {
            "database_id": self.database_id,
            "to": recipient,
            "key": DATA_KEY,
            "generation": self.generation,
        }

    def unwrap_data_key(self, recipient: str, keys: PrivateKeys) -> bytearray:
        """The data key for ``recipient`` (:class:`KeyError` if none is wrapped to them;
        ``WrongKeys`` if these keys do not open it)."""
        return keys.unwrap(self.data_key_wraps[recipient], self.data_key_context(recipient))

    def wrap_data_key(self, data_key: bytes | bytearray, recipient: str, to: PublicKeys) -> None:
        self.data_key_wraps[recipient] = wrap_key(
            data_key, to.x25519, self.data_key_context(recipient)
        )

    def put_account(self, slot: AccountSlot) -> None:
        """Add an account's password slot, replacing its earlier (or version 1) slot."""
        self.account_slots = [s for s in self.account_slots if s.account != slot.account]
        self.account_slots.append(slot)
        self.legacy = [s for s in self.legacy if s.account != slot.account]

    def drop_account(self, account: str) -> None:
        wanted = normalise_account(account)
        self.account_slots = [s for s in self.account_slots if s.account != wanted]
        self.legacy = [s for s in self.legacy if s.account != wanted]
        self.data_key_wraps.pop(recipient_of(wanted), None)

    def drop_legacy_recovery(self) -> None:
        self.legacy = [s for s in self.legacy if s.kind != "recovery"]

    # -- undoing a change that failed ----------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return {
            "account_slots": list(self.account_slots),
            "data_key_wraps": dict(self.data_key_wraps),
            "roster": copy.copy(self.signed.entries),
            "generation": self.generation,
            "legacy": list(self.legacy),
            "rotation": copy.deepcopy(self.rotation),
            "database_salt": self.database_salt,
        }

    def restore(self, snapshot: dict[str, Any]) -> None:
        self.account_slots = snapshot["account_slots"]
        self.data_key_wraps = snapshot["data_key_wraps"]
        self.signed.entries = snapshot["roster"]
        self.generation = snapshot["generation"]
        self.legacy = snapshot["legacy"]
        self.rotation = snapshot["rotation"]
        self.database_salt = snapshot["database_salt"]


__all__ = [
    "DATA_KEY",
    "FORMAT",
    "FORMAT_VERSION",
    "RECOVERY_SIGNER",
    "KeySlotFile",
    "recipient_of",
]

"""Key slots: the database's data key, wrapped once per account and once for the recovery key.

The data key (256 random bits) encrypts the whole database. It is never written anywhere as it
is. Each account's slot holds it sealed with AES-256-GCM under a key made by HKDF from
Argon2id(password) together with this computer's device secret (kept in the OS keyring), so a
copied database needs a password *and* this PC. The recovery slot needs only the recovery key,
so a backup can be opened on a new PC. The slot file also carries the audit anchor: the sequence
and hash of the newest audit entry, sealed with a key derived from the data key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from esafety_desktop.errors import KeyFileProblem
from esafety_desktop.storage.files import write_atomically

FORMAT = "esafety-desktop-key-slots"
FORMAT_VERSION = 1
DATA_KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. Stored in each slot, so raising the default never locks anyone out."""

    time_cost: int
    memory_kib: int
    parallelism: int

    def as_dict(self) -> dict[str, int]:
        return {
            "time_cost": self.time_cost,
            "memory_kib": self.memory_kib,
            "parallelism": self.parallelism,
        }


# About half a second on the office PCs we measured (bench/unlock_cost.py prints the figure).
DEFAULT_KDF = KdfParams(time_cost=3, memory_kib=128 * 1024, parallelism=1)
# Parameters lower than these are refused when read from a file, so a tampered file cannot
# weaken a slot without being noticed. Tests use the floor.
MINIMUM_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)

SlotKind = Literal["password", "recovery"]


class SlotLocked(Exception):
    """The secret offered does not open this slot (wrong password, wrong device secret)."""


@dataclass(frozen=True)
class KeySlot:
    kind: SlotKind
    account: str | None
    device_secret_id: str | None  # None: password-only slot, chosen explicitly for this PC
    kdf: KdfParams | None
    salt: bytes
    nonce: bytes
    sealed_key: bytes

    @property
    def needs_device_secret(self) -> bool:
        return self.device_secret_id is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "account": self.account,
            "device_secret_id": self.device_secret_id,
            "kdf": self.kdf.as_dict() if self.kdf else None,
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "sealed_key": _b64(self.sealed_key),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> KeySlot:
        kind = raw["kind"]
        if kind not in ("password", "recovery"):
            raise ValueError(f"unknown slot kind {kind!r}")
        kdf = KdfParams(**raw["kdf"]) if raw.get("kdf") else None
        if kind == "password":
            if kdf is None or not raw.get("account"):
                raise ValueError("a password slot needs an account and Argon2 parameters")
            if (
                kdf.time_cost < MINIMUM_KDF.time_cost
                or kdf.memory_kib < MINIMUM_KDF.memory_kib
                or kdf.parallelism < 1
            ):
                raise ValueError("Argon2 parameters below the minimum")
        return cls(
            kind=kind,
            account=raw.get("account"),
            device_secret_id=raw.get("device_secret_id"),
            kdf=kdf,
            salt=_unb64(raw["salt"]),
            nonce=_unb64(raw["nonce"]),
            sealed_key=_unb64(raw["sealed_key"]),
        )

    def associated_data(self, database_id: str) -> bytes:
        """Everything about the slot except the sealed key, bound into the GCM tag."""
        described = self.to_json()
        del described["nonce"], described["sealed_key"]
        described["database_id"] = database_id
        described["format"] = FORMAT_VERSION
        return json.dumps(described, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class AuditAnchor:
    sequence: int
    hash: str
    seal: str

    def to_json(self) -> dict[str, Any]:
        return {"sequence": self.sequence, "hash": self.hash, "seal": self.seal}


@dataclass
class KeySlotFile:
    path: Path
    database_id: str
    slots: list[KeySlot] = field(default_factory=list)
    audit_anchor: AuditAnchor | None = None
    # The first 16 bytes of the database file (SQLCipher's salt, not secret), so a key file
    # paired with the wrong database is told apart from a damaged database.
    database_salt: str | None = None

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        if not path.exists():
            raise KeyFileProblem(
                f"The key file {path.name} is missing from {path.parent}.",
                "It sits beside the database and holds the locked keys. Restore it from the "
                "backup it was taken with; without it the database cannot be opened.",
            )
        try:
            raw = json.loads(path.read_bytes().decode("utf-8"))
            if raw.get("format") != FORMAT:
                raise ValueError("not a key-slot file")
            if raw.get("version") != FORMAT_VERSION:
                raise ValueError(f"key-slot file version {raw.get('version')}")
            anchor = raw.get("audit_anchor")
            return cls(
                path=path,
                database_id=str(raw["database_id"]),
                slots=[KeySlot.from_json(s) for s in raw["slots"]],
                audit_anchor=AuditAnchor(**anchor) if anchor else None,
                database_salt=raw.get("database_salt"),
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise KeyFileProblem(
                f"The key file {path.name} is damaged or is not an eSafety Desktop key file "
                f"({exc}).",
                "Restore it from the backup it was taken with. It has not been changed.",
            ) from exc

    def save(self) -> None:
        write_atomically(self.path, self.document())

    def document(self) -> bytes:
        """The file's bytes as :meth:`save` writes them."""
        document = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "database_id": self.database_id,
            "database_salt": self.database_salt,
            "slots": [s.to_json() for s in self.slots],
            "audit_anchor": self.audit_anchor.to_json() if self.audit_anchor else None,
        }
        return json.dumps(document, indent=2).encode("utf-8") + b"\n"

    def accounts(self) -> list[str]:
        return sorted(s.account for s in self.slots if s.kind == "password" and s.account)

    def password_slot(self, account: str) -> KeySlot | None:
        wanted = normalise_account(account)
        return next(
            (s for s in self.slots if s.kind == "password" and s.account == wanted),
            None,
        )

    def recovery_slot(self) -> KeySlot | None:
        return next((s for s in self.slots if s.kind == "recovery"), None)

    def put(self, slot: KeySlot) -> None:
        """Add ``slot``, replacing the account's (or the recovery) slot it supersedes."""
        self.slots = [s for s in self.slots if not _same_owner(s, slot)] + [slot]

    def remove_account(self, account: str) -> None:
        wanted = normalise_account(account)
        self.slots = [s for s in self.slots if not (s.kind == "password" and s.account == wanted)]


def normalise_account(account: str) -> str:
    return unicodedata.normalize("NFC", account.strip()).lower()


def new_data_key() -> bytearray:
    return bytearray(secrets.token_bytes(DATA_KEY_BYTES))


def device_secret_id(device_secret: bytes) -> str:
    """A public name for a device secret, so "another PC" and "wrong password" differ."""
    return hashlib.sha256(b"esafety-desktop/device-secret-id/" + device_secret).hexdigest()[:16]


def seal_with_password(
    data_key: bytes | bytearray,
    *,
    database_id: str,
    account: str,
    password: str,
    device_secret: bytes | None,
    kdf: KdfParams | None = None,
) -> KeySlot:
    params = kdf or DEFAULT_KDF
    salt = secrets.token_bytes(16)
    template = KeySlot(
        kind="password",
        account=normalise_account(account),
        device_secret_id=device_secret_id(device_secret) if device_secret is not None else None,
        kdf=params,
        salt=salt,
        nonce=secrets.token_bytes(12),
        sealed_key=b"",
    )
    wrapping_key = _password_wrapping_key(password, salt, params, device_secret)
    return _seal(template, wrapping_key, data_key, database_id)


def open_with_password(
    slot: KeySlot, *, database_id: str, password: str, device_secret: bytes | None
) -> bytearray:
    assert slot.kind == "password" and slot.kdf is not None
    wrapping_key = _password_wrapping_key(password, slot.salt, slot.kdf, device_secret)
    return _open(slot, wrapping_key, database_id)


def seal_with_recovery_key(
    data_key: bytes | bytearray, *, database_id: str, recovery_key: bytes
) -> KeySlot:
    salt = secrets.token_bytes(16)
    template = KeySlot(
        kind="recovery",
        account=None,
        device_secret_id=None,
        kdf=None,
        salt=salt,
        nonce=secrets.token_bytes(12),
        sealed_key=b"",
    )
    return _seal(template, _recovery_wrapping_key(recovery_key, salt), data_key, database_id)


def open_with_recovery_key(slot: KeySlot, *, database_id: str, recovery_key: bytes) -> bytearray:
    return _open(slot, _recovery_wrapping_key(recovery_key, slot.salt), database_id)


def seal_anchor(data_key: bytes | bytearray, database_id: str, sequence: int, hash_: str) -> str:
    key = _hkdf(bytes(data_key), b"", b"esafety-desktop/audit-anchor/v1")
    message = f"{database_id}|{sequence}|{hash_}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def anchor_is_genuine(anchor: AuditAnchor, data_key: bytes | bytearray, database_id: str) -> bool:
    expected = seal_anchor(data_key, database_id, anchor.sequence, anchor.hash)
    return hmac.compare_digest(expected, anchor.seal)


# The cryptography imports sit inside the functions that use them: the sign-in window reads
# the account names from this file before anything needs decrypting, and should not wait.


def _seal(template: KeySlot, wrapping_key: bytes, data_key: bytes | bytearray, db: str) -> KeySlot:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(data_key) != DATA_KEY_BYTES:
        raise ValueError("the data key has 32 bytes")
    sealed = AESGCM(wrapping_key).encrypt(
        template.nonce, bytes(data_key), template.associated_data(db)
    )
    return KeySlot(
        kind=template.kind,
        account=template.account,
        device_secret_id=template.device_secret_id,
        kdf=template.kdf,
        salt=template.salt,
        nonce=template.nonce,
        sealed_key=sealed,
    )


def _open(slot: KeySlot, wrapping_key: bytes, database_id: str) -> bytearray:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        plain = AESGCM(wrapping_key).decrypt(
            slot.nonce, slot.sealed_key, slot.associated_data(database_id)
        )
    except InvalidTag:
        raise SlotLocked() from None
    return bytearray(plain)


def _password_wrapping_key(
    password: str, salt: bytes, params: KdfParams, device_secret: bytes | None
) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    stretched: bytes = hash_secret_raw(
        secret=unicodedata.normalize("NFC", password).encode("utf-8"),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )
    if device_secret is None:
        return _hkdf(stretched, salt, b"esafety-desktop/slot/password-only/v1")
    return _hkdf(stretched + device_secret, salt, b"esafety-desktop/slot/password+device/v1")


def _recovery_wrapping_key(recovery_key: bytes, salt: bytes) -> bytes:
    # The recovery key is 160 random bits, so no password stretching is needed.
    return _hkdf(recovery_key, salt, b"esafety-desktop/slot/recovery/v1")


def _hkdf(material: bytes, salt: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt or None, info=info).derive(material)


def _same_owner(a: KeySlot, b: KeySlot) -> bool:
    return a.kind == b.kind and (a.kind == "recovery" or a.account == b.account)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)

"""Password slots: an account's private keys, sealed under its password and this PC's secret.

An account's slot holds its two private keys (X25519 and Ed25519, storage/keypairs.py) sealed
with AES-256-GCM under a key made by HKDF from Argon2id(password) together with this computer's
device secret (kept in the OS keyring), so a copied key file needs a password *and* this PC.
The data key itself is wrapped to each account's public key (storage/key_file.py), so it can be
wrapped again for everyone, without their passwords, when it changes.

Version 1 of the key file (before per-account keys) sealed the data key itself in each slot;
those version 1 slots are still read, so a school made then opens, and are replaced as each
account signs in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from esafety_desktop.storage.keypairs import PrivateKeys, PublicKeys, b64, canonical, unb64

LEGACY_VERSION = 1
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
# weaken a slot without being noticed: the design's floor, 64 MiB (tests lower it, and one
# test checks it as shipped).
MINIMUM_KDF = KdfParams(time_cost=1, memory_kib=64 * 1024, parallelism=1)
# ... and higher than these too, so a tampered file cannot make sign-in hang or exhaust memory.
MAXIMUM_KDF = KdfParams(time_cost=12, memory_kib=1024 * 1024, parallelism=8)


def kdf_from_json(raw: Any) -> KdfParams:
    """Argon2id settings read from a key file, refused outside the bounds above."""
    if not isinstance(raw, dict) or set(raw) != {"time_cost", "memory_kib", "parallelism"}:
        raise ValueError("Argon2 parameters are three whole numbers")
    if not all(type(v) is int for v in raw.values()):
        raise ValueError("Argon2 parameters are three whole numbers")
    params = KdfParams(**raw)
    for name in ("time_cost", "memory_kib", "parallelism"):
        low, high = getattr(MINIMUM_KDF, name), getattr(MAXIMUM_KDF, name)
        if not low <= getattr(params, name) <= high:
            raise ValueError(f"Argon2 parameters outside the accepted range ({name})")
    return params


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
            "salt": b64(self.salt),
            "nonce": b64(self.nonce),
            "sealed_key": b64(self.sealed_key),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> KeySlot:
        kind = raw["kind"]
        if kind not in ("password", "recovery"):
            raise ValueError(f"unknown slot kind {kind!r}")
        if raw.get("account") is not None and not isinstance(raw["account"], str):
            raise ValueError("a slot names its account with text")
        if raw.get("device_secret_id") is not None and not isinstance(raw["device_secret_id"], str):
            raise ValueError("a device secret is named by text")
        kdf = kdf_from_json(raw["kdf"]) if raw.get("kdf") else None
        if kind == "password" and (kdf is None or not raw.get("account")):
            raise ValueError("a password slot needs an account and Argon2 parameters")
        return cls(
            kind=kind,
            account=raw.get("account"),
            device_secret_id=raw.get("device_secret_id"),
            kdf=kdf,
            salt=unb64(raw["salt"]),
            nonce=unb64(raw["nonce"]),
            sealed_key=unb64(raw["sealed_key"]),
        )

    def associated_data(self, database_id: str) -> bytes:
        """Everything about the slot except the sealed key, bound into the GCM tag."""
        described = self.to_json()
        del described["nonce"], described["sealed_key"]
        described["database_id"] = database_id
        described["format"] = LEGACY_VERSION
        return json.dumps(described, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class AuditAnchor:
    """The sequence and hash of the newest audit entry, sealed with a key derived from the data
    key, so cutting the newest entries off the log is noticed."""

    sequence: int
    hash: str
    seal: str

    def to_json(self) -> dict[str, Any]:
        return {"sequence": self.sequence, "hash": self.hash, "seal": self.seal}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> AuditAnchor:
        anchor = cls(sequence=raw["sequence"], hash=raw["hash"], seal=raw["seal"])
        if type(anchor.sequence) is not int or not _hex64(anchor.hash):
            raise ValueError("the audit anchor is a number and a hash")
        if not _hex64(anchor.seal):
            raise ValueError("the audit anchor's seal is 64 hexadecimal digits")
        return anchor


def _hex64(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


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
    stretched = _argon2(password, salt, params)
    if device_secret is None:
        return _hkdf(stretched, salt, b"esafety-desktop/slot/password-only/v1")
    return _hkdf(stretched + device_secret, salt, b"esafety-desktop/slot/password+device/v1")


def _argon2(password: str, salt: bytes, params: KdfParams) -> bytes:
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
    return stretched


def _recovery_wrapping_key(recovery_key: bytes, salt: bytes) -> bytes:
    # The recovery key is 160 random bits, so no password stretching is needed.
    return _hkdf(recovery_key, salt, b"esafety-desktop/slot/recovery/v1")


def _hkdf(material: bytes, salt: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt or None, info=info).derive(material)


def _same_owner(a: KeySlot, b: KeySlot) -> bool:
    return a.kind == b.kind and (a.kind == "recovery" or a.account == b.account)


@dataclass(frozen=True)
class AccountSlot:
    """An account's private keys, sealed under its password (and this PC's secret); the public
    keys are bound in, so a slot moved to another account, or given other public keys, fails."""

    account: str
    device_secret_id: str | None  # None: password-only, chosen explicitly for this PC
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    sealed_private_keys: bytes
    public: PublicKeys

    @property
    def needs_device_secret(self) -> bool:
        return self.device_secret_id is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "device_secret_id": self.device_secret_id,
            "kdf": self.kdf.as_dict(),
            "salt": b64(self.salt),
            "nonce": b64(self.nonce),
            "sealed_private_keys": b64(self.sealed_private_keys),
            "public": self.public.to_json(),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> AccountSlot:
        account = raw["account"]
        if not isinstance(account, str) or not account or len(account) > 64:
            raise ValueError("a password slot names its account")
        device = raw.get("device_secret_id")
        if device is not None and not isinstance(device, str):
            raise ValueError("a device secret is named by text")
        slot = cls(
            account=account,
            device_secret_id=device,
            kdf=kdf_from_json(raw["kdf"]),
            salt=unb64(raw["salt"]),
            nonce=unb64(raw["nonce"]),
            sealed_private_keys=unb64(raw["sealed_private_keys"]),
            public=PublicKeys.from_json(raw["public"]),
        )
        if len(slot.salt) != 16 or len(slot.nonce) != 12 or len(slot.sealed_private_keys) != 80:
            raise ValueError("a password slot has a 16-byte salt, 12-byte nonce, 80 sealed bytes")
        return slot

    def associated_data(self, database_id: str) -> bytes:
        described = self.to_json()
        del described["nonce"], described["sealed_private_keys"]
        return canonical({"slot": 2, "database_id": database_id, **described})


def seal_account_keys(
    keys: PrivateKeys,
    *,
    database_id: str,
    account: str,
    password: str,
    device_secret: bytes | None,
    kdf: KdfParams | None = None,
) -> AccountSlot:
    """Seal ``keys`` under ``password`` (and ``device_secret``): Argon2id, so about half a
    second; call it before taking the writer's lock."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    params = kdf or DEFAULT_KDF
    slot = AccountSlot(
        account=normalise_account(account),
        device_secret_id=device_secret_id(device_secret) if device_secret is not None else None,
        kdf=params,
        salt=secrets.token_bytes(16),
        nonce=secrets.token_bytes(12),
        sealed_private_keys=b"",
        public=keys.public,
    )
    wrapping = _account_wrapping_key(password, slot.salt, params, device_secret)
    both = keys.to_bytes()
    try:
        sealed = AESGCM(wrapping).encrypt(
            slot.nonce, bytes(both), slot.associated_data(database_id)
        )
    finally:
        both[:] = bytes(len(both))
    return AccountSlot(**{**slot.__dict__, "sealed_private_keys": sealed})


def open_account_keys(
    slot: AccountSlot, *, database_id: str, password: str, device_secret: bytes | None
) -> PrivateKeys:
    """The account's private keys; :class:`SlotLocked` for a wrong password or PC. Keys that do
    not match the slot's public keys (a slot pieced together) are refused the same way."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    wrapping = _account_wrapping_key(password, slot.salt, slot.kdf, device_secret)
    try:
        both = bytearray(
            AESGCM(wrapping).decrypt(
                slot.nonce, slot.sealed_private_keys, slot.associated_data(database_id)
            )
        )
    except InvalidTag:
        raise SlotLocked() from None
    try:
        keys = PrivateKeys.from_bytes(both)
    finally:
        both[:] = bytes(len(both))
    if keys.public != slot.public:
        keys.wipe()
        raise SlotLocked()
    return keys


def _account_wrapping_key(
    password: str, salt: bytes, params: KdfParams, device_secret: bytes | None
) -> bytes:
    stretched = _argon2(password, salt, params)
    if device_secret is None:
        return _hkdf(stretched, salt, b"esafety-desktop/slot/v2/password-only")
    return _hkdf(stretched + device_secret, salt, b"esafety-desktop/slot/v2/password+device")

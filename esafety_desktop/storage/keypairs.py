"""Each account's two key pairs, and the small sealing and signing operations built on them.

* **X25519**, to receive keys: a key (the school's data key, a restricted case's key) is
  *wrapped to* an account's public key: a fresh ephemeral X25519 pair meets the recipient's
  public key (ECDH), HKDF-SHA256 turns the shared secret into a one-time AES-256 key, and
  AES-256-GCM seals the key with associated data that names the database, the recipient and
  what the key is for. Anyone may wrap a key *to* an account; only its private key unwraps it.
* **Ed25519**, to sign: roster changes and audit entries carry the signature of the account
  that made them, checked against the public key in the signed roster.

The recovery key (printed once on the recovery sheet) stands for one more key pair, derived
from it with HKDF, so the recovery key can open everything an account can and sign like one.

``docs/file-format.md`` describes every byte; a test there recomputes a wrap by hand.
The ``cryptography`` imports sit inside the functions, so the sign-in window need not wait.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from typing import Any

KEY_BYTES = 32
WRAP_INFO = b"esafety-desktop/wrap/v2"
RECOVERY_X25519_INFO = b"esafety-desktop/recovery/x25519/v2"
RECOVERY_ED25519_INFO = b"esafety-desktop/recovery/ed25519/v2"


class WrongKeys(Exception):
    """These private keys do not open this wrapped key (or it was altered)."""


@dataclass(frozen=True)
class PublicKeys:
    """What everyone may know of an account: where to wrap keys to, and how to check its
    signatures."""

    x25519: bytes
    ed25519: bytes

    def to_json(self) -> dict[str, str]:
        return {"x25519": b64(self.x25519), "ed25519": b64(self.ed25519)}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> PublicKeys:
        keys = cls(x25519=unb64(raw["x25519"]), ed25519=unb64(raw["ed25519"]))
        if len(keys.x25519) != KEY_BYTES or len(keys.ed25519) != KEY_BYTES:
            raise ValueError("a public key has 32 bytes")
        return keys

    def fingerprint(self) -> str:
        import hashlib

        return hashlib.sha256(self.x25519 + self.ed25519).hexdigest()[:16]


class PrivateKeys:
    """An account's (or the recovery key's) two private keys, held in memory only while needed:
    :meth:`wipe` overwrites them."""

    def __init__(self, x25519: bytes | bytearray, ed25519: bytes | bytearray) -> None:
        if len(x25519) != KEY_BYTES or len(ed25519) != KEY_BYTES:
            raise ValueError("a private key has 32 bytes")
        self._x25519 = bytearray(x25519)
        self._ed25519 = bytearray(ed25519)
        self.public = PublicKeys(x25519=_x25519_public(self._x25519), ed25519=_ed_public(self))

    @classmethod
    def new(cls) -> PrivateKeys:
        return cls(secrets.token_bytes(KEY_BYTES), secrets.token_bytes(KEY_BYTES))

    @classmethod
    def from_recovery_key(cls, recovery_key: bytes, database_id: str) -> PrivateKeys:
        """The recovery key's key pairs: the same recovery key always gives the same pairs for
        one database (so the sheet printed once opens every later wrap)."""
        salt = database_id.encode("utf-8")
        return cls(
            hkdf(recovery_key, salt, RECOVERY_X25519_INFO),
            hkdf(recovery_key, salt, RECOVERY_ED25519_INFO),
        )

    @classmethod
    def from_bytes(cls, both: bytes | bytearray) -> PrivateKeys:
        if len(both) != 2 * KEY_BYTES:
            raise ValueError("two private keys have 64 bytes")
        return cls(both[:KEY_BYTES], both[KEY_BYTES:])

    def to_bytes(self) -> bytearray:
        """Both private keys, to be sealed in a password slot (the caller wipes the copy)."""
        return bytearray(self._x25519 + self._ed25519)

    def copy(self) -> PrivateKeys:
        return PrivateKeys(self._x25519, self._ed25519)

    def sign(self, message: bytes) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self._refuse_if_wiped()
        return Ed25519PrivateKey.from_private_bytes(bytes(self._ed25519)).sign(message)

    def unwrap(self, wrapped: WrappedKey, context: dict[str, Any]) -> bytearray:
        """The key ``wrapped`` holds for these keys; :class:`WrongKeys` if it is not theirs, or
        if anything about it (its context included) was changed."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.asymmetric.x25519 import (
            X25519PrivateKey,
            X25519PublicKey,
        )
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._refuse_if_wiped()
        if wrapped.recipient != self.public.x25519:
            raise WrongKeys()
        private = X25519PrivateKey.from_private_bytes(bytes(self._x25519))
        try:
            shared = private.exchange(X25519PublicKey.from_public_bytes(wrapped.ephemeral))
        except ValueError:  # an all-zero shared secret: a crafted ephemeral key
            raise WrongKeys() from None
        key = hkdf(shared, wrapped.ephemeral + wrapped.recipient, WRAP_INFO)
        try:
            plain = AESGCM(key).decrypt(wrapped.nonce, wrapped.sealed, _context_bytes(context))
        except InvalidTag:
            raise WrongKeys() from None
        return bytearray(plain)

    def wipe(self) -> None:
        for buffer in (self._x25519, self._ed25519):
            for i in range(len(buffer)):
                buffer[i] = 0

    @property
    def wiped(self) -> bool:
        return not any(self._x25519) and not any(self._ed25519)

    def _refuse_if_wiped(self) -> None:
        if self.wiped:
            raise ValueError("these keys were wiped")


@dataclass(frozen=True)
class WrappedKey:
    """A key wrapped to one recipient's X25519 public key."""

    recipient: bytes  # the recipient's X25519 public key
    ephemeral: bytes  # the sender's one-time X25519 public key
    nonce: bytes
    sealed: bytes  # AES-256-GCM ciphertext and tag

    def to_json(self) -> dict[str, str]:
        return {
            "recipient": b64(self.recipient),
            "ephemeral": b64(self.ephemeral),
            "nonce": b64(self.nonce),
            "sealed": b64(self.sealed),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> WrappedKey:
        wrapped = cls(
            recipient=unb64(raw["recipient"]),
            ephemeral=unb64(raw["ephemeral"]),
            nonce=unb64(raw["nonce"]),
            sealed=unb64(raw["sealed"]),
        )
        if len(wrapped.recipient) != KEY_BYTES or len(wrapped.ephemeral) != KEY_BYTES:
            raise ValueError("a wrapped key names 32-byte public keys")
        if len(wrapped.nonce) != 12 or len(wrapped.sealed) > 1024:
            raise ValueError("a wrapped key has a 12-byte nonce and a short sealed key")
        return wrapped


def wrap_key(key: bytes | bytearray, recipient: bytes, context: dict[str, Any]) -> WrappedKey:
    """Seal ``key`` so that only the holder of ``recipient``'s private key can open it.
    ``context`` (which database, for whom, what for) is bound in: moved elsewhere, it fails."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    wrapping = hkdf(shared, ephemeral_public + recipient, WRAP_INFO)
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(wrapping).encrypt(nonce, bytes(key), _context_bytes(context))
    return WrappedKey(recipient=recipient, ephemeral=ephemeral_public, nonce=nonce, sealed=sealed)


def usable_x25519(public: bytes) -> bool:
    """False for a public key no key can be wrapped to (a low-order point, such as all zeros,
    gives an all-zero shared secret, which ``cryptography`` refuses)."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

    try:
        X25519PrivateKey.from_private_bytes(bytes(range(1, 33))).exchange(
            X25519PublicKey.from_public_bytes(public)
        )
    except ValueError:
        return False
    return True


def signature_holds(public_ed25519: bytes, message: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_ed25519).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def seal(key: bytes | bytearray, plain: bytes, associated: bytes) -> bytes:
    """AES-256-GCM under ``key``: a random 12-byte nonce, then the ciphertext and tag."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(bytes(key)).encrypt(nonce, plain, associated)


def unseal(key: bytes | bytearray, sealed: bytes, associated: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(bytes(key)).decrypt(sealed[:12], sealed[12:], associated)
    except (InvalidTag, ValueError):
        raise WrongKeys() from None


def canonical(value: Any) -> bytes:
    """The one JSON spelling of ``value`` that is signed and hashed: sorted keys, no spaces,
    UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def hkdf(material: bytes | bytearray, salt: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt or None, info=info).derive(
        bytes(material)
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _context_bytes(context: dict[str, Any]) -> bytes:
    return canonical({"wrap": 2, **context})


def _x25519_public(private: bytearray) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return X25519PrivateKey.from_private_bytes(bytes(private)).public_key().public_bytes_raw()


def _ed_public(keys: PrivateKeys) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.from_private_bytes(bytes(keys._ed25519))
    return private.public_key().public_bytes_raw()

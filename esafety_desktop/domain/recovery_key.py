"""The recovery key printed on the recovery sheet.

160 random bits written as 32 base-32 characters plus a 4-character check, in groups of four.
The check catches a mistyped key before any decryption is tried, so "you mistyped it" and
"this is the key of another database" are told apart.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

KEY_BYTES = 20
_CHECK_CHARS = 4
GROUP = 4
# Crockford's base 32: no I, L, O or U is printed; typed I and L are read as 1, O as 0.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class RecoveryKeyFormatError(ValueError):
    """The text typed is not a well-formed recovery key."""


def new_recovery_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def format_recovery_key(key: bytes) -> str:
    """Groups of four characters separated by dashes, e.g. ``K7QX-…``."""
    if len(key) != KEY_BYTES:
        raise ValueError("a recovery key has 20 bytes")
    return format_secret(key, _RECOVERY_CHECK)


def parse_recovery_key(text: str) -> bytes:
    """Read a typed recovery key; tolerant of case, spaces, dashes and look-alike letters."""
    return parse_secret(text, KEY_BYTES, _RECOVERY_CHECK, "recovery key")


# A review pack's one-time passphrase: 120 random bits (24 characters) and a 4-character check,
# short enough to read out over the telephone.
PASSPHRASE_BYTES = 15
_PASSPHRASE_CHECK = b"esafety-review-pack:"
_RECOVERY_CHECK = b"esafety-recovery-key:"


def new_passphrase() -> str:
    return format_secret(secrets.token_bytes(PASSPHRASE_BYTES), _PASSPHRASE_CHECK)


def parse_passphrase(text: str) -> bytes:
    return parse_secret(text, PASSPHRASE_BYTES, _PASSPHRASE_CHECK, "passphrase")


def format_secret(secret: bytes, label: bytes) -> str:
    body = _encode(secret)
    text = body + _check(body, label)
    return "-".join(text[i : i + GROUP] for i in range(0, len(text), GROUP))


def parse_secret(text: str, size: int, label: bytes, what: str) -> bytes:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_LOOKALIKES)
    body_chars = (size * 8 + 4) // 5
    expected = body_chars + _CHECK_CHARS
    if len(cleaned) != expected:
        raise RecoveryKeyFormatError(
            f"A {what} has {expected} letters and digits; {len(cleaned)} were typed."
        )
    body, check = cleaned[:body_chars], cleaned[body_chars:]
    bad = sorted({ch for ch in cleaned if ch not in _ALPHABET})
    if bad:
        raise RecoveryKeyFormatError(
            f"A {what} never contains {', '.join(bad)}; one of the characters is mistyped."
        )
    if _check(body, label) != check:
        raise RecoveryKeyFormatError(f"The {what} has a typing mistake in it.")
    return _decode(body)


def _encode(key: bytes) -> str:
    standard = base64.b32encode(key).decode("ascii")
    return standard.translate(str.maketrans(_STANDARD, _ALPHABET))


def _decode(body: str) -> bytes:
    return base64.b32decode(body.translate(str.maketrans(_ALPHABET, _STANDARD)))


def _check(body: str, label: bytes) -> str:
    digest = hashlib.sha256(label + body.encode("ascii")).digest()
    return _encode(digest[:5])[:_CHECK_CHARS]


_STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

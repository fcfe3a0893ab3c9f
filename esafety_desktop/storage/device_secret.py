"""The per-installation device secret, kept in the operating system's keyring.

One random 256-bit secret per Windows profile (or Linux/macOS user). It is mixed into every
account's key slot, so a copied database and key file are useless on another computer without
the recovery key. There is no silent fallback: no keyring means a clear error, and only an
explicit, audited "password-only on this PC" choice goes on without it.
"""

from __future__ import annotations

import base64
import secrets

import keyring
import keyring.errors

from esafety_desktop.errors import KeyringUnavailable

KEYRING_SERVICE = "eSafety Desktop"
KEYRING_ENTRY = "device secret"
SECRET_BYTES = 32

# Backends that keep secrets in a plain or weakly protected file are not a secure store.
_REFUSED_BACKEND_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class DeviceSecretStore:
    """Reads and creates this computer's device secret in the OS keyring."""

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        self.service = service

    def check_available(self) -> None:
        backend = keyring.get_keyring()
        names = [type(b).__module__ for b in getattr(backend, "backends", [backend])]
        usable = [n for n in names if not n.startswith(_REFUSED_BACKEND_MODULES)]
        if not usable:
            raise KeyringUnavailable("no keyring backend is installed or running")

    def get(self) -> bytes | None:
        self.check_available()
        try:
            stored = keyring.get_password(self.service, KEYRING_ENTRY)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(str(exc) or type(exc).__name__) from exc
        if stored is None:
            return None
        try:
            secret = base64.b64decode(stored, validate=True)
        except ValueError:
            return None  # an entry we did not write: treat this PC as having no secret
        return secret if len(secret) == SECRET_BYTES else None

    def get_or_create(self) -> bytes:
        existing = self.get()
        if existing is not None:
            return existing
        secret = secrets.token_bytes(SECRET_BYTES)
        try:
            keyring.set_password(
                self.service, KEYRING_ENTRY, base64.b64encode(secret).decode("ascii")
            )
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(str(exc) or type(exc).__name__) from exc
        if self.get() != secret:
            raise KeyringUnavailable("the keyring did not keep the secret it was given")
        return secret

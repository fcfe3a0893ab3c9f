"""The per-installation device secret, kept in the operating system's keyring.

One random 256-bit secret per Windows profile (or Linux/macOS user). It is mixed into every
account's key slot, so a copied database and key file are useless on another computer without
the recovery key. There is no silent fallback: no keyring means a clear error, and only an
explicit, audited "password-only on this PC" choice goes on without it.

A *locked* keyring (a Linux login keyring not yet opened, an unlock prompt dismissed) is told
apart from a missing one: it needs unlocking, never weaker protection. A command run by itself
(``unattended``) never waits on an unlock prompt that nobody will answer: it looks at the lock
first, without prompting, and gives every keyring call a few seconds at most.
"""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import threading
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

import keyring
import keyring.errors

from esafety_desktop.errors import KeyringIsLocked, KeyringUnavailable, ProblemForUser

KEYRING_SERVICE = "eSafety Desktop"
KEYRING_ENTRY = "device secret"
SECRET_BYTES = 32
UNATTENDED_WAIT_SECONDS = 15.0  # a keyring answers in well under a second unless it prompts
CHECK_WAIT_SECONDS = 20.0  # the setup wizard's look: time to answer an unlock prompt
REMEMBER_WAIT_SECONDS = 5.0  # the newest state is kept after commits: never a long wait

# Backends that keep secrets in a plain or weakly protected file are not a secure store.
_REFUSED_BACKEND_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")

T = TypeVar("T")


class DeviceSecretDamaged(ProblemForUser):
    """The keyring holds an entry for the device secret that is not one: never replaced, since
    a new secret would leave every password slot made with the old one unopenable."""

    def __init__(self, service: str) -> None:
        super().__init__(
            f'The keyring entry "{service} / {KEYRING_ENTRY}" on this computer is damaged: it '
            "is not a device secret eSafety Desktop wrote.",
            "It has not been replaced, because a new one would stop every password on this "
            "computer from opening its account. Ask your IT support to put the entry back from "
            "a backup of this user's keyring (Credential Manager on Windows; Passwords and Keys "
            "or KWallet on Linux). If it cannot be put back, they can delete the entry; then "
            "open the school database with the recovery key from the recovery sheet and choose "
            "new passwords. Nothing was changed.",
        )


class KeyringState(Enum):
    READY = "ready"
    MISSING = "missing"  # no secure keyring on this PC: passwords alone is the only way
    LOCKED = "locked"  # there is one, locked: unlock it


class DeviceSecretStore:
    """Reads and creates this computer's device secret in the OS keyring.

    ``unattended``: nobody is there to answer an unlock prompt (a scheduled command), so a
    locked keyring is reported at once and no keyring call waits more than ``wait_seconds``.
    """

    def __init__(
        self,
        service: str = KEYRING_SERVICE,
        *,
        unattended: bool = False,
        wait_seconds: float | None = None,
    ) -> None:
        self.service = service
        self.unattended = unattended
        if wait_seconds is None and unattended:
            wait_seconds = UNATTENDED_WAIT_SECONDS
        self.wait_seconds = wait_seconds

    def check_available(self) -> None:
        if not _usable_backends():
            raise KeyringUnavailable("no keyring backend is installed or running")

    def state(self) -> KeyringState:
        """Whether the keyring can be used now: it reads (never writes) and waits at most
        ``CHECK_WAIT_SECONDS`` for an unlock prompt to be answered."""
        if not _usable_backends():
            return KeyringState.MISSING
        if _locked_without_asking():
            return KeyringState.LOCKED
        wait = self.wait_seconds if self.wait_seconds is not None else CHECK_WAIT_SECONDS
        try:
            self._call(keyring.get_password, self.service, KEYRING_ENTRY, wait=wait)
        except KeyringIsLocked:
            return KeyringState.LOCKED
        except KeyringUnavailable:
            return KeyringState.MISSING
        return KeyringState.READY

    def get(self) -> bytes | None:
        """This PC's device secret, or None when it has none yet; :class:`DeviceSecretDamaged`
        for an entry that is not one (never taken as "none", which would replace it)."""
        self._ready()
        stored = self._call(keyring.get_password, self.service, KEYRING_ENTRY)
        if stored is None:
            return None
        try:
            secret = base64.b64decode(stored, validate=True)
        except ValueError:
            raise DeviceSecretDamaged(self.service) from None
        if len(secret) != SECRET_BYTES:
            raise DeviceSecretDamaged(self.service)
        return secret

    def secret_without_asking(self) -> bytes | None:
        """The device secret if the keyring gives it at once: never an unlock prompt, never a
        new secret, never an error (None: no keyring, locked, none yet, or damaged). For the
        note of failed sign-ins, written before anyone has signed in."""
        try:
            if not _usable_backends() or _locked_without_asking():
                return None
            stored = self._call(
                keyring.get_password, self.service, KEYRING_ENTRY, wait=REMEMBER_WAIT_SECONDS
            )
            secret = base64.b64decode(stored or "", validate=True)
        except (ProblemForUser, ValueError):
            return None
        return secret if len(secret) == SECRET_BYTES else None

    def get_or_create(self) -> bytes:
        existing = self.get()
        if existing is not None:
            return existing
        secret = secrets.token_bytes(SECRET_BYTES)
        encoded = base64.b64encode(secret).decode("ascii")
        self._call(keyring.set_password, self.service, KEYRING_ENTRY, encoded)
        if self.get() != secret:
            raise KeyringUnavailable("the keyring did not keep the secret it was given")
        return secret

    # -- the newest state of each school database this PC has opened -----------------------

    def remembered_position(self, database_id: str, where: str) -> dict[str, Any] | None:
        """Where the school database at ``where`` (its full path) was when this PC last closed
        it (newest audit entry, key generation): None when this PC never opened it there, or
        keeps no keyring. A copy elsewhere (a database set aside by a restore) has its own."""
        try:
            stored = self._call(
                keyring.get_password, self.service, _position_entry(database_id, where)
            )
        except (KeyringUnavailable, KeyringIsLocked):
            return None
        if stored is None:
            return None
        try:
            position = json.loads(stored)
        except ValueError:
            return None
        return position if isinstance(position, dict) else None

    def remember_position(self, database_id: str, where: str, position: dict[str, Any]) -> None:
        """Keep the database's newest state in this PC's keyring (nothing when there is none:
        password-only protection keeps no record here)."""
        with contextlib.suppress(KeyringUnavailable, KeyringIsLocked):
            if _usable_backends():
                self._call(
                    keyring.set_password,
                    self.service,
                    _position_entry(database_id, where),
                    json.dumps(position, sort_keys=True),
                    wait=REMEMBER_WAIT_SECONDS,  # the one writer never waits on a prompt
                )

    # -- how many failed sign-ins this PC noted beside each school database ----------------

    def failed_sign_ins(self, database_id: str, where: str) -> dict[str, int] | None:
        """This PC's count of the failed sign-ins it noted beside the database at ``where``
        (services/failed_sign_ins.py): ``noted`` (the newest line's number), ``read`` (the
        newest moved into the audit log), ``dropped`` (not noted since: the note was full).
        None when there is no record, it cannot be read, or the keyring cannot be asked
        without a prompt."""
        try:
            if not _usable_backends() or _locked_without_asking():
                return None
            stored = self._call(
                keyring.get_password,
                self.service,
                _failed_sign_ins_entry(database_id, where),
                wait=REMEMBER_WAIT_SECONDS,
            )
            record = json.loads(stored) if stored else None
        except (ProblemForUser, ValueError):
            return None
        if not isinstance(record, dict):
            return None
        counts = {name: record.get(name, 0) for name in ("noted", "read", "dropped")}
        if not all(type(v) is int and 0 <= v < 2**53 for v in counts.values()):
            return None
        return counts

    def keep_failed_sign_ins(self, database_id: str, where: str, counts: dict[str, int]) -> bool:
        """Write that count (replacing the one before); False when the keyring could not take
        it without a prompt."""
        try:
            if not _usable_backends() or _locked_without_asking():
                return False
            self._call(
                keyring.set_password,
                self.service,
                _failed_sign_ins_entry(database_id, where),
                json.dumps(counts, sort_keys=True),
                wait=REMEMBER_WAIT_SECONDS,
            )
        except ProblemForUser:
            return False
        return True

    def _ready(self) -> None:
        self.check_available()
        if self.unattended and _locked_without_asking():
            raise KeyringIsLocked(unattended=True)

    def _call(self, call: Callable[..., T], *args: Any, wait: float | None = None) -> T:
        """One keyring call, its errors in words; waited for at most ``wait`` seconds (the
        store's own limit unless given; no limit when neither is set)."""
        limit = wait if wait is not None else self.wait_seconds
        try:
            if limit is None:
                return call(*args)
            return _within(limit, call, *args)
        except TimeoutError:
            raise KeyringIsLocked(
                f"it did not answer within {limit:g} seconds: it is waiting to be unlocked",
                unattended=self.unattended,
            ) from None
        except keyring.errors.KeyringLocked as exc:
            raise KeyringIsLocked(
                "the request to unlock it was dismissed", unattended=self.unattended
            ) from exc
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(str(exc) or type(exc).__name__) from exc


def _position_entry(database_id: str, where: str) -> str:
    return f"newest state of {database_id} at {where}"


def _failed_sign_ins_entry(database_id: str, where: str) -> str:
    return f"failed sign-ins of {database_id} at {where}"


def _usable_backends() -> list[Any]:
    backend = keyring.get_keyring()
    return [
        b
        for b in getattr(backend, "backends", [backend])
        if not type(b).__module__.startswith(_REFUSED_BACKEND_MODULES)
    ]


def _locked_without_asking() -> bool:
    """True when the keyring says it is locked, asked in a way that never shows a prompt.
    The Secret Service (GNOME Keyring, KWallet's) is asked about its collection; any backend
    may answer for itself with an ``is_locked()`` method. Others are taken as unlocked: a call
    that prompts is then caught by the time limit."""
    for backend in _usable_backends():
        probe = getattr(backend, "is_locked", None)
        if callable(probe):
            locked = bool(probe())
        elif type(backend).__module__ == "keyring.backends.SecretService":
            locked = _secret_service_locked(backend)
        else:
            locked = False
        if locked:
            return True
    return False


def _secret_service_locked(backend: Any) -> bool:
    try:
        import secretstorage
    except ImportError:
        return False
    try:
        connection = secretstorage.dbus_init()
    except secretstorage.exceptions.SecretStorageException:
        return False
    try:
        preferred = getattr(backend, "preferred_collection", None)
        collection = (
            secretstorage.Collection(connection, preferred)
            if preferred
            else secretstorage.get_default_collection(connection)
        )
        return bool(collection.is_locked())
    except secretstorage.exceptions.SecretStorageException:
        return False  # the real call reports what is wrong
    finally:
        connection.close()


def _within(seconds: float, call: Callable[..., T], *args: Any) -> T:
    """``call(*args)`` on a thread of its own, waited for at most ``seconds``; a call still
    waiting (on a prompt nobody answers) is left behind and ends with the process."""
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = call(*args)
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc
        finally:
            finished.set()

    threading.Thread(target=run, name="keyring call", daemon=True).start()
    if not finished.wait(seconds):
        raise TimeoutError
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value

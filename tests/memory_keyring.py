"""Stand-in keyrings for the tests: one that lives in memory (a "PC" of its own), and the
three ways a real one lets the program down: there is none, it is locked, or it waits on an
unlock prompt that nobody answers."""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, NoKeyringError, PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise PasswordDeleteError(username)
        del self.entries[(service, username)]


class NoKeyring(KeyringBackend):
    """A backend with nothing behind it: every call says there is no keyring."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("No recommended backend was available.")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("No recommended backend was available.")

    def delete_password(self, service: str, username: str) -> None:
        raise NoKeyringError("No recommended backend was available.")


class DismissedKeyring(KeyringBackend):
    """A locked keyring whose unlock prompt is dismissed: every call raises KeyringLocked, as
    keyring's Secret Service backend does. ``calls`` counts the calls that reached it."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        raise KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        self.calls += 1
        raise KeyringLocked("Failed to unlock the collection!")


class LockedKeyring(DismissedKeyring):
    """The same, and it says it is locked without prompting (as the Secret Service's
    collection does), so nothing need call it to find out."""

    def is_locked(self) -> bool:
        return True


class WaitingKeyring(KeyringBackend):
    """A keyring showing an unlock prompt that nobody answers: every call waits until the test
    lets it go (``answer``), as a scheduled task would wait for ever."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.answered = threading.Event()
        self.entries: dict[tuple[str, str], str] = {}

    def answer(self) -> None:
        self.answered.set()

    def get_password(self, service: str, username: str) -> str | None:
        self.answered.wait()
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.answered.wait()
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.answered.wait()
        self.entries.pop((service, username), None)

"""What the sign-in screen may know before anyone signs in: the account names in the key file.

Kept apart from access.py so the first window does not wait for SQLAlchemy to load."""

from __future__ import annotations

from pathlib import Path

from esafety_desktop.storage.files import DatabaseFiles, network_location_reason
from esafety_desktop.storage.key_file import KeySlotFile


def accounts_on_file(path: Path) -> list[str]:
    """The account names in the key file (needs no password)."""
    return KeySlotFile.load(DatabaseFiles(Path(path)).key_slots).accounts()


def database_exists(path: Path) -> bool:
    files = DatabaseFiles(Path(path))
    return files.database.exists() or files.key_slots.exists()


def network_drive_reason(path: Path) -> str | None:
    return network_location_reason(Path(path))

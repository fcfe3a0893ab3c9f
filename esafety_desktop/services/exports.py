"""Printing and saving documents: both leave the encrypted database, so both are audited."""

from __future__ import annotations

from pathlib import Path

from esafety_desktop.reports.layout import Printing
from esafety_desktop.reports.recovery_sheet import RecoverySheet, recovery_sheet_pdf
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.settings import school_settings
from esafety_desktop.storage.files import write_atomically


def record_printed(signed_in: SignedIn, document: str, pages: int) -> None:
    with signed_in.database.transaction() as session:
        signed_in.record(
            session, "document.printed", details={"document": document, "pages": pages}
        )


def save_pdf(signed_in: SignedIn, document: str, pdf: bytes, path: Path) -> None:
    """Write an unencrypted copy where the user chose, after they were warned."""
    write_atomically(Path(path), pdf)
    with signed_in.database.transaction() as session:
        signed_in.record(
            session, "document.saved_unencrypted", details={"document": document, "file": str(path)}
        )


def recovery_sheet(signed_in: SignedIn, recovery_key: str) -> bytes:
    """The recovery sheet for a key just made (the key is never stored, so it is passed in)."""
    return recovery_sheet_pdf(
        RecoverySheet(
            school_name=school_settings(signed_in).school_name,
            recovery_key=recovery_key,
            database_file=signed_in.path.name,
            database_id=signed_in.database.database_id,
            made_by=signed_in.account.display_name,
            made_at=signed_in.clock.local_now(),
        )
    )


def printing(signed_in: SignedIn) -> Printing:
    """The frame of a document printed now by this account."""
    return Printing(
        school_settings(signed_in).school_name,
        signed_in.account.display_name,
        signed_in.clock.local_now(),
    )

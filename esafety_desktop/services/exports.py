"""Printing and saving documents: both leave the encrypted database, so both are audited."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from esafety_desktop.domain.roles import Permission
from esafety_desktop.reports.layout import Printing
from esafety_desktop.reports.recovery_sheet import RecoverySheet, recovery_sheet_pdf
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.settings import school_settings
from esafety_desktop.storage.files import write_atomically


@open_to_every_role("recording what this account printed: every role may print what it may see")
def record_printed(
    signed_in: SignedIn, document: str, pages: int, incident_id: int | None = None
) -> None:
    """``incident_id``: the case the document is the record (or a form) of. A restricted
    case's (a negative id) is audited inside its seal: its reference stays out of the clear
    audit log."""
    if incident_id is None:
        incident_id = _restricted_case_named(signed_in, document)
    with _store(signed_in, incident_id).transaction() as session:
        signed_in.record(
            session,
            "document.printed",
            **_subject(incident_id),
            details={"document": document, "pages": pages},
        )


@open_to_every_role(
    "recording what this account saved: every role may save what it may see, after the warning"
)
def save_pdf(
    signed_in: SignedIn,
    document: str,
    pdf: bytes,
    path: Path,
    incident_id: int | None = None,
    *,
    printer: str = "",
) -> None:
    """Write an unencrypted copy where the user chose, after they were warned. ``incident_id``
    as for :func:`record_printed` (the file's name and folder are sealed with the case).
    ``printer``: the printer chosen to print it, which writes a file (printing to it is
    saving, so the copy is saved this way instead, and recorded with the printer's name)."""
    if incident_id is None:
        incident_id = _restricted_case_named(signed_in, document, str(path))
    store = _store(signed_in, incident_id)
    write_atomically(Path(path), pdf)
    with store.transaction() as session:
        signed_in.record(
            session,
            "document.saved_unencrypted",
            **_subject(incident_id),
            details={
                "document": document,
                "file": str(path),
                **({"printer": printer} if printer else {}),
            },
        )


def _store(signed_in: SignedIn, incident_id: int | None) -> Any:
    """Where an output is audited: the school database, or a restricted case's own store
    (found before anything is written: a case this account cannot open is refused)."""
    if incident_id is None or incident_id >= 0:
        return signed_in.database
    from esafety_desktop.services.restricted_cases import store_for

    return store_for(signed_in, incident_id)


def _restricted_case_named(signed_in: SignedIn, *words: str) -> int | None:
    """The restricted case (held by this account) whose reference a document's name or file
    names, when the caller did not say which case it is: audited in that case's seal all the
    same, so its reference never reaches the clear audit log."""
    numbers = {int(n) for text in words for n in _RESTRICTED_REFERENCE.findall(text)}
    if not numbers:
        return None
    from esafety_desktop.services.restricted_cases import state_of

    held = [n for n in sorted(numbers) if n in state_of(signed_in).held]
    return -held[0] if held else None


_RESTRICTED_REFERENCE = re.compile(r"(?<![A-Za-z0-9])R-(\d+)(?!\d)")


def _subject(incident_id: int | None) -> dict[str, Any]:
    if incident_id is None:
        return {}
    return {"subject_type": "incident", "subject_id": incident_id}


def recovery_sheet(signed_in: SignedIn, recovery_key: str) -> bytes:
    """The recovery sheet for a key just made (the key is never stored, so it is passed in)."""
    signed_in.require(Permission.MANAGE_RECOVERY_KEY)
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


@open_to_every_role("who printed it and when, for a printout's footer")
def printing(signed_in: SignedIn) -> Printing:
    """The frame of a document printed now by this account."""
    return Printing(
        school_settings(signed_in).school_name,
        signed_in.account.display_name,
        signed_in.clock.local_now(),
    )

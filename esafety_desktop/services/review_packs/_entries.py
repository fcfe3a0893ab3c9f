"""What a reviewer can add to a pack, and how each entry is named and dated."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from esafety_desktop.storage.review_pack import (
    PackCase as PackCase,  # what review mode shows
)
from esafety_desktop.storage.review_pack import (
    PackEntry as PackEntry,
)

if TYPE_CHECKING:
    pass

COMMENT, REVIEWED, SIGNED_OFF = "comment", "reviewed", "signed_off"
CORRECTION = "correction"  # to a sign-off already given: a sign-off is never given twice
PRINTED, SAVED = "printed", "saved"  # what review mode printed or saved: for the audit log
ENTRY_LABELS = {
    COMMENT: "Comment",
    REVIEWED: "Reviewed",
    SIGNED_OFF: "Signed off",
    CORRECTION: "Correction to the sign-off",
    PRINTED: "Printed",
    SAVED: "Saved as an unencrypted PDF",
}
FOR_THE_CHRONOLOGY = (COMMENT, REVIEWED, SIGNED_OFF, CORRECTION)
PACK_SUFFIX = ".esreview"


def entry_when(entry: PackEntry) -> datetime:
    """When the entry was made, in local time."""
    return datetime.fromisoformat(entry.recorded_at).astimezone().replace(tzinfo=None)


def entry_title(entry: PackEntry) -> str:
    if entry.kind == SIGNED_OFF:
        on = date.fromisoformat(entry.signed_on) if entry.signed_on else None
        return f"Signed off by {entry.reviewer}" + (f" on {on:%d/%m/%Y}" if on else "")
    if entry.kind == REVIEWED:
        return f"Reviewed by {entry.reviewer}"
    if entry.kind == CORRECTION:
        return f"Correction to the sign-off by {entry.reviewer}"
    if entry.kind == PRINTED:
        return f"Printed by {entry.reviewer} in review mode"
    if entry.kind == SAVED:
        return f"Saved as an unencrypted PDF by {entry.reviewer} in review mode"
    return f"Comment by {entry.reviewer}"


def _local(utc_naive: datetime) -> datetime:
    return utc_naive.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)

"""Review mode: a pack opened with its passphrase on any PC; what the reviewer adds is saved
in the pack at once. What they typed and had not added when review mode locked is kept in the
pack too (encrypted with it, never imported), and given back when it is opened again."""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esafety_desktop.domain.clock import Clock, SystemClock
from esafety_desktop.domain.recovery_key import (
    RecoveryKeyFormatError,
    parse_passphrase,
)
from esafety_desktop.errors import InvalidInput, ProblemForUser
from esafety_desktop.storage.files import write_atomically
from esafety_desktop.storage.review_pack import (
    PackCase as PackCase,  # what review mode shows
)
from esafety_desktop.storage.review_pack import (
    PackEntry as PackEntry,
)
from esafety_desktop.storage.review_pack import (
    PackFile,
    PackProblem,
    pack_key,
)

if TYPE_CHECKING:
    from esafety_desktop.reports.incident_record import IncidentRecord

from esafety_desktop.services.review_packs._entries import (
    COMMENT,
    CORRECTION,
    ENTRY_LABELS,
    FOR_THE_CHRONOLOGY,
    MAX_ENTRIES,
    MAX_INFO_VALUE,
    MAX_NAME,
    MAX_TEXT,
    PRINTED,
    SAVED,
    SIGNED_OFF,
    _connection,
    check_pack,
    check_pack_size,
    entry_title,
    entry_when,
    read_entries,
)

_DRAFT = "draft:"  # pack_info's key for a case's unfinished text: draft:<case id>

# -- review mode ---------------------------------------------------------------------------


class OpenPack:
    """A pack opened with its passphrase for review (no school database, no keyring, so no
    session: the time comes from the clock it was opened with)."""

    def __init__(self, pack: PackFile, clock: Clock) -> None:
        self.pack = pack
        self.clock = clock
        info = pack.info()
        self.school_name = info.get("school_name", "")
        self.reviewer = info.get("reviewer", "")
        self.exported_by = info.get("exported_by", "")
        self.exported_at = datetime.fromisoformat(info["exported_at"])

    @property
    def path(self) -> Path:
        return self.pack.path

    def cases(self) -> list[PackCase]:
        return self.pack.cases()

    def entries(self, incident_id: int | None = None) -> list[PackEntry]:
        return read_entries(self.pack, incident_id)

    def evidence_files(self, incident_id: int) -> list[tuple[str, bytes]]:
        return self.pack.attachments(incident_id)

    def record(self, incident_id: int, printed_by: str) -> IncidentRecord:
        from esafety_desktop.reports.incident_record import record_from_json

        case = next(c for c in self.cases() if c.incident_id == incident_id)
        return record_from_json(case.record, printed_by, self.clock.local_now())

    @staticmethod
    def pdf_of(record: IncidentRecord) -> bytes:
        """The printed record (slow: made on the worker)."""
        from esafety_desktop.reports.incident_record import incident_record_pdf

        return incident_record_pdf(record)

    def record_pdf(self, incident_id: int, printed_by: str) -> bytes:
        """The case's record as the main app prints it, with the reviewer's entries after it."""
        return self.pdf_of(self.record_with_review(incident_id, printed_by))

    def record_with_review(self, incident_id: int, printed_by: str) -> IncidentRecord:
        """What :meth:`record_pdf` prints, read from the pack (on the thread that opened it);
        the PDF itself can then be made anywhere (``reports.incident_record_pdf``)."""
        from esafety_desktop.reports.incident_record import RecordEntry

        record = self.record(incident_id, printed_by)
        added = [
            RecordEntry(
                when=entry_when(e),
                title=entry_title(e),
                lines=[e.text] if e.text else [],
                author=e.reviewer,
            )
            for e in self.entries(incident_id)
            if e.kind in FOR_THE_CHRONOLOGY
        ]
        return dataclasses.replace(record, entries=record.entries + added)

    def add(
        self,
        incident_id: int,
        kind: str,
        *,
        reviewer: str,
        text: str = "",
        signed_on: date | None = None,
    ) -> PackEntry:
        reviewer = reviewer.strip()
        text = text.strip()
        if kind not in ENTRY_LABELS:
            raise ValueError(kind)
        if not reviewer:
            raise InvalidInput("Type your name: each entry is signed with it.")
        if len(reviewer) > MAX_NAME:
            raise InvalidInput(f"Your name can be up to {MAX_NAME} characters long.")
        if len(text) > MAX_TEXT:
            raise InvalidInput(
                f"A comment can be up to {MAX_TEXT:,} characters long; this one is "
                f"{len(text):,}. Shorten it, or add it as two comments."
            )
        if len(self.entries()) >= MAX_ENTRIES:
            raise InvalidInput(
                f"This pack holds {MAX_ENTRIES:,} entries, as many as a pack can. Give it back "
                "to the DSL, who can export a new pack for the rest."
            )
        if kind in (COMMENT, CORRECTION) and not text:
            raise InvalidInput(
                "Write the comment first." if kind == COMMENT else "Write what the correction is."
            )
        earlier = self.signed_off(incident_id)
        if kind == SIGNED_OFF:
            if signed_on is None:
                raise InvalidInput("Give the date of the sign-off.")
            if signed_on > self.clock.today():
                raise InvalidInput(
                    f"A sign-off cannot be dated later than today ({self.clock.today():%d/%m/%Y})."
                )
            if earlier is not None:
                raise InvalidInput(
                    f"This case is already signed off ({entry_title(earlier)}). To change "
                    "anything, add a correction to the sign-off instead."
                )
        if kind == CORRECTION and earlier is None:
            raise InvalidInput("There is no sign-off of this case to correct.")
        return self.pack.add_entry(
            incident_id,
            kind=kind,
            text=text,
            reviewer=reviewer,
            signed_on=signed_on.isoformat() if signed_on else None,
            recorded_at=self.clock.now().isoformat(timespec="seconds"),
        )

    def signed_off(self, incident_id: int) -> PackEntry | None:
        """The case's sign-off in this pack, if it has one."""
        return next((e for e in self.entries(incident_id) if e.kind == SIGNED_OFF), None)

    def save_printout(self, incident_id: int, pdf: bytes, path: Path, reviewer: str) -> None:
        """Review mode's "Save as PDF…": written where the reviewer chose, and recorded in the
        pack (it reaches the school's audit log when the pack is imported)."""
        write_atomically(Path(path), pdf)
        self.add(incident_id, SAVED, reviewer=reviewer or self.reviewer, text=str(path))

    def printed(self, incident_id: int, pages: int, reviewer: str) -> None:
        """A case's record printed in review mode, recorded in the pack."""
        text = f"{pages} page{'s' if pages != 1 else ''}"
        self.add(incident_id, PRINTED, reviewer=reviewer or self.reviewer, text=text)

    # -- what was typed and not added, kept while review mode is locked --------------------

    def keep_drafts(self, typed: dict[int, str]) -> None:
        """Keep ``typed`` (case id -> text) in the pack, in place of any kept before."""
        held = {c.incident_id for c in self.cases()}
        rows = [
            (f"{_DRAFT}{case}", text[:MAX_INFO_VALUE])
            for case, text in typed.items()
            if case in held and text.strip()
        ]
        with _writing(self.pack):
            _connection(self.pack).execute(
                "DELETE FROM pack_info WHERE key LIKE ? ESCAPE '^'", (_DRAFT + "%",)
            )
            _connection(self.pack).executemany(
                "INSERT INTO pack_info (key, value) VALUES (?, ?)", rows
            )

    def take_drafts(self) -> dict[int, str]:
        """What was kept by :meth:`keep_drafts`, taken out of the pack."""
        held = {c.incident_id for c in self.cases()}
        kept = {
            int(key.removeprefix(_DRAFT)): value
            for key, value in self.pack.info().items()
            if key.startswith(_DRAFT) and key.removeprefix(_DRAFT).lstrip("-").isdigit()
        }
        if kept:
            # Left in the pack on a full disk: the next lock replaces them.
            with contextlib.suppress(ProblemForUser):
                self.keep_drafts({})
        return {case: text for case, text in kept.items() if case in held}

    def close(self) -> None:
        self.pack.close()


def _writing(pack: PackFile) -> Any:
    """One transaction on the pack, a full disk said in words (as the pack's own writes)."""
    from esafety_desktop.storage.review_pack import _transaction

    return _transaction(_connection(pack), pack.path)


def open_for_review(path: Path, passphrase: str, clock: Clock | None = None) -> OpenPack:
    """Open a pack for review; its printouts and entries read the time from ``clock`` (the
    system clock unless given)."""
    check_pack_size(Path(path))
    try:
        secret = parse_passphrase(passphrase)
    except RecoveryKeyFormatError as exc:
        raise PackProblem(str(exc), "Type it exactly as you were given it.") from None
    pack = PackFile.open(path, pack_key(secret))
    try:
        check_pack(pack)  # its layout, sizes and types, before anything is read from it
    except PackProblem as problem:
        pack.close()
        raise PackProblem(problem.what, "Ask the DSL for a new pack.") from None
    problems = pack.problems()
    if problems:
        pack.close()
        raise PackProblem(
            f"The review pack {Path(path).name} was changed outside eSafety Desktop "
            f"({'; '.join(problems[:2])}).",
            "Ask the DSL for a new pack.",
        )
    return OpenPack(pack, clock if clock is not None else SystemClock())

"""The headteacher's offline review: export a pack of cases, review it anywhere, bring it back.

The DSL exports chosen cases into a pack file with its own key and is shown a one-time
passphrase to pass on separately (by telephone or on paper, never with the file). The reviewer
opens the pack in review mode on any PC (no school password, no keyring), reads each case,
adds comments, marks it reviewed or signs it off; the pack keeps those. The DSL then imports
the returned pack: it must be this school's, one of its exports, not yet imported and unaltered;
the reviewer's entries join each case's chronology.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from esafety_desktop.domain.clock import Clock, SystemClock
from esafety_desktop.domain.recovery_key import (
    RecoveryKeyFormatError,
    new_passphrase,
    parse_passphrase,
)
from esafety_desktop.domain.roles import Permission, Role
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.storage.files import write_atomically
from esafety_desktop.storage.models import Account, Evidence, Incident, IncidentEntry, ReviewPack
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
    record_hash,
)

if TYPE_CHECKING:
    from esafety_desktop.reports.incident_record import IncidentRecord

COMMENT, REVIEWED, SIGNED_OFF = "comment", "reviewed", "signed_off"
ENTRY_LABELS = {COMMENT: "Comment", REVIEWED: "Reviewed", SIGNED_OFF: "Signed off"}
PACK_SUFFIX = ".esreview"


# -- exporting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedPack:
    path: Path
    passphrase: str  # shown once, never stored as it is
    references: list[str]
    left_out: list[str]  # references of allegations about the headteacher, never exported


def head_allegations(signed_in: SignedIn) -> set[int]:
    """Cases that are allegations about a headteacher's account (never put in a pack)."""
    with signed_in.database.reading() as session:
        return set(
            session.scalars(
                select(Incident.id)
                .join(Account, Account.id == Incident.concerns_account_id)
                .where(Account.role == Role.HEADTEACHER.value)
            )
        )


def cases_for_review(signed_in: SignedIn) -> list[int]:
    """Cases opened or changed since the last pack was exported (all of them before the first),
    leaving out allegations about the headteacher."""
    from esafety_desktop.services.incidents import visible_to

    with signed_in.database.reading() as session:
        since = session.scalar(select(func.max(ReviewPack.exported_at)))
        query = select(Incident.id).where(visible_to(signed_in))
        if since is not None:
            changed = select(IncidentEntry.incident_id).where(IncidentEntry.recorded_at > since)
            query = query.where((Incident.created_at > since) | Incident.id.in_(changed))
        ids = list(session.scalars(query.order_by(Incident.reported_at)))
    excluded = head_allegations(signed_in)
    return [i for i in ids if i not in excluded]


def export_review_pack(
    signed_in: SignedIn,
    incident_ids: list[int],
    reviewer: str,
    out: Path,
    *,
    with_files: bool = False,
) -> ExportedPack:
    """``with_files`` adds the evidence files (screenshots); otherwise only their descriptions
    (which name each file's SHA-256) travel."""
    from esafety_desktop.reports.incident_record import record_as_json
    from esafety_desktop.services.incidents import incident_record_data
    from esafety_desktop.services.settings import school_settings

    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    reviewer = reviewer.strip()
    if not reviewer:
        raise InvalidInput("Say who will review the cases (for example the headteacher's name).")
    excluded = head_allegations(signed_in)
    chosen = [i for i in dict.fromkeys(incident_ids) if i not in excluded]
    left_out = [_reference(signed_in, i) for i in incident_ids if i in excluded]
    if not chosen:
        raise InvalidInput(
            "There are no cases to put in the pack."
            + (" Allegations about the headteacher are never included." if left_out else "")
        )
    cases = []
    for incident_id in chosen:
        record = incident_record_data(signed_in, incident_id)
        cases.append((incident_id, record.reference, record_as_json(record)))
    passphrase = new_passphrase()
    key = pack_key(parse_passphrase(passphrase))
    pack_id = uuid.uuid4().hex
    now = signed_in.clock.now()
    info = {
        "pack_id": pack_id,
        "database_id": signed_in.database.database_id,
        "school_name": school_settings(signed_in).school_name,
        "exported_at": now.isoformat(timespec="seconds"),
        "exported_by": signed_in.account.display_name,
        "reviewer": reviewer,
    }
    out = Path(out)
    files = _evidence_files(signed_in, chosen) if with_files else []
    PackFile.write(out, key, info, cases, files)
    try:
        with signed_in.database.transaction() as session:
            session.add(
                ReviewPack(
                    pack_id=pack_id,
                    exported_at=signed_in.clock.utc_now(),
                    exported_by_id=signed_in.account.id,
                    exported_by_name=signed_in.account.display_name,
                    reviewer=reviewer,
                    pack_key=key.hex(),
                    cases=json.dumps({str(i): record_hash(rec) for i, _ref, rec in cases}),
                )
            )
            signed_in.record(
                session,
                "review_pack.exported",
                subject_type="review_pack",
                subject_id=pack_id,
                details={
                    "cases": [ref for _i, ref, _rec in cases],
                    "reviewer": reviewer,
                    "file": out.name,
                    "evidence_files": len(files),
                    "left_out_allegations_about_the_head": len(left_out),
                },
            )
    except BaseException:
        out.unlink(missing_ok=True)  # a pack the school has no record of could never come back
        raise
    return ExportedPack(out, passphrase, [ref for _i, ref, _rec in cases], left_out)


def evidence_file_count(signed_in: SignedIn, incident_ids: list[int]) -> int:
    return len(_evidence_files(signed_in, incident_ids))


def _evidence_files(signed_in: SignedIn, incident_ids: list[int]) -> list[tuple[int, str, bytes]]:
    with signed_in.database.reading() as session:
        rows = session.execute(
            select(Evidence.incident_id, Evidence.file_name, Evidence.content)
            .where(Evidence.incident_id.in_(incident_ids), Evidence.content.is_not(None))
            .order_by(Evidence.id)
        ).all()
    return [(int(i), str(name or "evidence"), bytes(data or b"")) for i, name, data in rows]


def _reference(signed_in: SignedIn, incident_id: int) -> str:
    with signed_in.database.reading() as session:
        return str(session.scalar(select(Incident.reference).where(Incident.id == incident_id)))


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
        return self.pack.entries(incident_id)

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
                when=datetime.fromisoformat(e.recorded_at).astimezone().replace(tzinfo=None),
                title=entry_title(e),
                lines=[e.text] if e.text else [],
                author=e.reviewer,
            )
            for e in self.entries(incident_id)
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
        if kind == COMMENT and not text:
            raise InvalidInput("Write the comment first.")
        if kind == SIGNED_OFF and signed_on is None:
            raise InvalidInput("Give the date of the sign-off.")
        return self.pack.add_entry(
            incident_id,
            kind=kind,
            text=text,
            reviewer=reviewer,
            signed_on=signed_on.isoformat() if signed_on else None,
            recorded_at=self.clock.now().isoformat(timespec="seconds"),
        )

    def close(self) -> None:
        self.pack.close()


def save_printout(pdf: bytes, path: Path | str) -> None:
    """Review mode's "Save as PDF…": the printed record written where the reviewer chose."""
    write_atomically(Path(path), pdf)


def entry_title(entry: PackEntry) -> str:
    if entry.kind == SIGNED_OFF:
        on = date.fromisoformat(entry.signed_on) if entry.signed_on else None
        return f"Signed off by {entry.reviewer}" + (f" on {on:%d/%m/%Y}" if on else "")
    if entry.kind == REVIEWED:
        return f"Reviewed by {entry.reviewer}"
    return f"Comment by {entry.reviewer}"


def open_for_review(path: Path, passphrase: str, clock: Clock | None = None) -> OpenPack:
    """Open a pack for review; its printouts and entries read the time from ``clock`` (the
    system clock unless given)."""
    try:
        secret = parse_passphrase(passphrase)
    except RecoveryKeyFormatError as exc:
        raise PackProblem(str(exc), "Type it exactly as you were given it.") from None
    pack = PackFile.open(path, pack_key(secret))
    problems = pack.problems()
    if problems:
        pack.close()
        raise PackProblem(
            f"The review pack {Path(path).name} was changed outside eSafety Desktop "
            f"({'; '.join(problems[:2])}).",
            "Ask the DSL for a new pack.",
        )
    return OpenPack(pack, clock if clock is not None else SystemClock())


# -- bringing the review back ---------------------------------------------------------------


@dataclass(frozen=True)
class ReturnedCase:
    incident_id: int
    reference: str
    entries: list[PackEntry]


@dataclass(frozen=True)
class ReturnedReview:
    path: Path
    pack_id: str
    reviewer: str
    exported_at: datetime
    cases: list[ReturnedCase]

    @property
    def entry_count(self) -> int:
        return sum(len(c.entries) for c in self.cases)


def read_returned_pack(signed_in: SignedIn, path: Path) -> ReturnedReview:
    """Open a pack that came back and check it is this school's, one of its exports, not yet
    imported and unaltered. Changes nothing."""
    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    with signed_in.database.reading() as session:
        exported = {
            r.pack_id: (r.pack_key, r.imported_at, r.imported_by_name, r.cases, r.reviewer)
            for r in session.scalars(select(ReviewPack))
        }
    pack = None
    for key_hex, *_rest in exported.values():
        try:
            pack = PackFile.open(Path(path), bytes.fromhex(key_hex))
            break
        except PackProblem:
            continue
    if pack is None:
        raise PackProblem(
            f"{Path(path).name} is not a review pack exported from this school's database (it "
            "may belong to another school).",
            "Only packs this database made can be imported. Nothing was changed.",
        )
    try:
        info = pack.info()
        pack_id = info.get("pack_id", "")
        if info.get("database_id") != signed_in.database.database_id or pack_id not in exported:
            raise PackProblem(
                f"{Path(path).name} belongs to another school database.", "Nothing was changed."
            )
        _key, imported_at, imported_by, cases_json, reviewer = exported[pack_id]
        if imported_at is not None:
            raise PackProblem(
                f"This review was already imported on {imported_at:%d/%m/%Y at %H:%M} by "
                f"{imported_by}.",
                "Its entries are in each case's chronology. Nothing was changed.",
            )
        problems = pack.problems()
        sent = json.loads(cases_json or "{}")
        cases = pack.cases()
        if {str(c.incident_id) for c in cases} != set(sent):
            problems.append("its cases are not the ones that were exported")
        problems += [
            f"case {c.reference} differs from what was exported"
            for c in cases
            if sent.get(str(c.incident_id)) != c.sha256
        ]
        if problems:
            raise PackProblem(
                f"{Path(path).name} was altered outside eSafety Desktop "
                f"({'; '.join(problems[:2])}).",
                "Nothing was imported. Ask the reviewer about it, or export a new pack.",
            )
        return ReturnedReview(
            path=Path(path),
            pack_id=str(pack_id),
            reviewer=str(reviewer),
            exported_at=datetime.fromisoformat(info["exported_at"]),
            cases=[
                ReturnedCase(c.incident_id, c.reference, pack.entries(c.incident_id)) for c in cases
            ],
        )
    finally:
        pack.close()


def import_review(signed_in: SignedIn, returned: ReturnedReview) -> int:
    """Add the reviewer's entries to each case's chronology; the pack is marked imported."""
    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    me = signed_in.account
    added = 0
    with signed_in.database.transaction() as session:
        row = session.scalar(select(ReviewPack).where(ReviewPack.pack_id == returned.pack_id))
        if row is None or row.imported_at is not None:
            raise PackProblem("This review was already imported.", "Nothing was changed.")
        for case in returned.cases:
            for entry in case.entries:
                session.add(
                    IncidentEntry(
                        incident_id=case.incident_id,
                        recorded_at=datetime.fromisoformat(entry.recorded_at)
                        .astimezone(UTC)
                        .replace(tzinfo=None),
                        author_id=me.id,
                        author_name=f"{entry.reviewer} (offline review, imported by "
                        f"{me.display_name})",
                        kind="review" if entry.kind == SIGNED_OFF else "review_note",
                        step_id=None,
                        title=entry_title(entry),
                        choice=None,
                        reasons="",
                        done_by="",
                        outcome="",
                        reference_kind=None,
                        reference_value=None,
                        text=entry.text,
                    )
                )
                added += 1
        row.imported_at = signed_in.clock.utc_now()
        row.imported_by_name = me.display_name
        signed_in.record(
            session,
            "review_pack.imported",
            subject_type="review_pack",
            subject_id=returned.pack_id,
            details={"reviewer": returned.reviewer, "entries": added},
        )
    return added

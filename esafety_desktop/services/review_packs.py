"""The headteacher's offline review: export a pack of cases, review it anywhere, bring it back.

The DSL exports chosen cases into a pack file with its own key and is shown a one-time
passphrase to pass on separately (by telephone or on paper, never with the file). The reviewer
opens the pack in review mode on any PC (no school password, no keyring), reads each case,
adds comments, marks it reviewed or signs it off; the pack keeps those. The DSL then imports
the returned pack: it must be this school's, one of its exports and unaltered; the reviewer's
entries join each case's chronology, and the pack's printing and saving reach the audit log. A
pack can come back more than once (the head reviews more after the first import): each entry
is identified by its hash in the pack's chain, so only what is new is added, never twice.
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
from sqlalchemy.orm import Session

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
    """The cases a new pack ticks at first (see :func:`review_choice` for which and why), in
    the order the export dialog lists them; never an allegation about the headteacher."""
    return [case.incident_id for case in review_choice(signed_in).cases if case.suggested]


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
                    "left_out_allegations_about_the_head": len(excluded),
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


RECENT_DAYS = 90  # a closed case changed within this many days is listed with the open ones


@dataclass(frozen=True)
class CaseForReview:
    """A case as the export dialog lists it, and whether it is ticked at first."""

    incident_id: int
    reference: str
    incident_type: str  # its name, as the lists show it
    status: str  # its label
    closed: bool
    reported_at: datetime  # local, as recorded
    last_changed: datetime  # local: its latest chronology entry (or when it was recorded)
    signed_off_at: datetime | None  # local: its latest sign-off (a "review" entry)
    noted_at: datetime | None  # local: its latest other review entry (comment, "reviewed")
    needs_review: bool  # never signed off, or changed since its latest sign-off
    suggested: bool  # ticked when the dialog opens

    @property
    def reviewed(self) -> str:
        """Whether it was reviewed, in words: what the dialog's "Reviewed" column says."""
        if self.signed_off_at is not None:
            said = f"Signed off {self.signed_off_at:%d/%m/%Y}"
            return said + ("; changed since" if self.needs_review else "")
        if self.noted_at is not None:
            return f"Seen {self.noted_at:%d/%m/%Y}, not signed off"
        return "Not yet"


@dataclass(frozen=True)
class ReviewChoice:
    cases: list[CaseForReview]  # open cases, then recently closed ones, then older closed ones
    left_out: int  # allegations about the headteacher: never offered, never put in a pack
    last_pack: datetime | None  # local: when the latest pack was exported (None: no pack yet)


def review_choice(signed_in: SignedIn) -> ReviewChoice:
    """The cases a DSL may put in a pack, as the export dialog lists and ticks them.

    Listed: open cases first (any status but closed), then closed cases changed in the last
    :data:`RECENT_DAYS` days of the session's clock, then older closed cases; the most recently
    changed first within each. Allegations about the headteacher are never listed (only counted).

    Ticked at first: the cases that still need the head's sign-off (none yet, or the case
    changed after its latest sign-off; a review note or a comment is no sign-off) and that are
    open, or changed since the latest pack was exported, or were in that pack. So a case the
    head did not sign off is ticked again in the next pack, while closed cases long finished
    are not ticked. Before the first pack, "changed since" means within :data:`RECENT_DAYS`
    days.
    """
    from datetime import timedelta

    from sqlalchemy import case

    from esafety_desktop.domain.incidents import IncidentStatus, incident_type_name
    from esafety_desktop.services.incidents import visible_to

    def local(utc_naive: datetime) -> datetime:
        return utc_naive.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)

    entry = IncidentEntry
    review_kinds = ("review", "review_note")
    now = signed_in.clock.utc_now()
    recent = now - timedelta(days=RECENT_DAYS)
    excluded = head_allegations(signed_in)
    with signed_in.database.reading() as session:
        latest = session.execute(
            select(ReviewPack.exported_at, ReviewPack.cases).order_by(
                ReviewPack.exported_at.desc(), ReviewPack.id.desc()
            )
        ).first()
        last_pack = latest.exported_at if latest is not None else None
        since = last_pack if last_pack is not None else recent
        in_last_pack = {int(i) for i in json.loads(latest.cases or "{}")} if latest else set()
        stats = (
            select(
                entry.incident_id,
                func.max(entry.recorded_at).label("changed"),
                func.max(case((entry.kind.not_in(review_kinds), entry.recorded_at))).label(
                    "worked"
                ),
                func.max(case((entry.kind == "review", entry.recorded_at))).label("signed"),
                func.max(case((entry.kind == "review_note", entry.recorded_at))).label("noted"),
            )
            .group_by(entry.incident_id)
            .subquery()
        )
        rows = session.execute(
            select(
                Incident,
                stats.c.changed,
                stats.c.worked,
                stats.c.signed,
                stats.c.noted,
            )
            .outerjoin(stats, stats.c.incident_id == Incident.id)
            .where(visible_to(signed_in))
        ).all()
        found = []
        for incident, changed, worked, signed, noted in rows:
            if incident.id in excluded:
                continue
            changed = max(changed or incident.created_at, incident.created_at)
            worked = max(worked or incident.created_at, incident.created_at)
            closed = incident.status == IncidentStatus.CLOSED.value
            needs_review = signed is None or signed < worked
            found.append(
                (
                    0 if not closed else 1 if changed >= recent else 2,
                    changed,
                    CaseForReview(
                        incident_id=incident.id,
                        reference=incident.reference,
                        incident_type=incident_type_name(incident.incident_type),
                        status=IncidentStatus(incident.status).label,
                        closed=closed,
                        reported_at=incident.reported_at,
                        last_changed=local(changed),
                        signed_off_at=local(signed) if signed else None,
                        noted_at=local(noted) if noted else None,
                        needs_review=needs_review,
                        suggested=needs_review
                        and (not closed or changed > since or incident.id in in_last_pack),
                    ),
                )
            )
    found.sort(key=lambda f: (f[0], -f[1].timestamp(), f[2].reference))
    return ReviewChoice(
        cases=[f[2] for f in found],
        left_out=len(excluded),
        last_pack=local(last_pack) if last_pack is not None else None,
    )


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

    def close(self) -> None:
        self.pack.close()


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
    entries: list[PackEntry]  # only those not imported before


@dataclass(frozen=True)
class ReturnedReview:
    path: Path
    pack_id: str
    reviewer: str
    exported_at: datetime
    cases: list[ReturnedCase]
    already_imported: int = 0  # entries of this copy that an earlier import took
    last_imported: datetime | None = None

    @property
    def entry_count(self) -> int:
        return sum(len(c.entries) for c in self.cases)


@dataclass(frozen=True)
class ImportedReview:
    """What an import added, case by case, in words."""

    added: dict[str, dict[str, int]]  # case reference -> entry label -> how many

    @property
    def total(self) -> int:
        return sum(sum(kinds.values()) for kinds in self.added.values())

    def sentence(self) -> str:
        if not self.added:
            return "Nothing new was added."
        parts = []
        for reference, kinds in self.added.items():
            said = ", ".join(f"{n} × {label.lower()}" for label, n in kinds.items())
            parts.append(f"{reference}: {said}")
        return "Added " + "; ".join(parts) + "."


@dataclass(frozen=True)
class _Exported:
    """What the school kept of a pack it exported."""

    pack_key: str
    imported_at: datetime | None
    imported_by_name: str | None
    imported_entries: str | None
    cases: str
    reviewer: str


def read_returned_pack(signed_in: SignedIn, path: Path) -> ReturnedReview:
    """Open a pack that came back and check it is this school's, one of its exports and
    unaltered; keep only the entries not imported before. Changes nothing."""
    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    with signed_in.database.reading() as session:
        exported = {
            r.pack_id: _Exported(
                r.pack_key,
                r.imported_at,
                r.imported_by_name,
                r.imported_entries,
                r.cases,
                r.reviewer,
            )
            for r in session.scalars(select(ReviewPack))
        }
    pack = None
    for row in exported.values():
        try:
            pack = PackFile.open(Path(path), bytes.fromhex(row.pack_key))
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
        row = exported[pack_id]
        if row.imported_at is not None and row.imported_entries is None:
            raise PackProblem(
                f"This review was imported on {row.imported_at:%d/%m/%Y at %H:%M} by "
                f"{row.imported_by_name}, by an earlier version of eSafety Desktop that did not "
                "keep which entries it took, so nothing is imported from it again.",
                "If the reviewer added more since, ask the DSL to export a new pack for them. "
                "Nothing was changed.",
            )
        problems = pack.problems()
        sent = json.loads(row.cases or "{}")
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
        taken = set(json.loads(row.imported_entries or "[]"))
        returned = [
            ReturnedCase(
                c.incident_id,
                c.reference,
                [e for e in pack.entries(c.incident_id) if e.hash not in taken],
            )
            for c in cases
        ]
        already = sum(1 for e in pack.entries() if e.hash in taken)
        return ReturnedReview(
            path=Path(path),
            pack_id=str(pack_id),
            reviewer=str(row.reviewer),
            exported_at=datetime.fromisoformat(info["exported_at"]),
            cases=[c for c in returned if c.entries],
            already_imported=already,
            last_imported=_local(row.imported_at) if row.imported_at else None,
        )
    finally:
        pack.close()


def import_review(signed_in: SignedIn, returned: ReturnedReview) -> ImportedReview:
    """Add the reviewer's new entries to each case's chronology (what review mode printed or
    saved goes to the audit log); the pack remembers each entry taken, so a later copy of it
    adds only what is new."""
    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    me = signed_in.account
    added: dict[str, dict[str, int]] = {}
    with signed_in.database.transaction() as session:
        row = session.scalar(select(ReviewPack).where(ReviewPack.pack_id == returned.pack_id))
        if row is None:
            raise PackProblem("This pack is not one of this school's.", "Nothing was changed.")
        taken = set(json.loads(row.imported_entries or "[]"))
        if row.imported_at is not None and row.imported_entries is None:
            raise PackProblem("This review was already imported.", "Nothing was changed.")
        for case in returned.cases:
            for entry in case.entries:
                if entry.hash in taken:
                    continue  # another window imported it meanwhile
                taken.add(entry.hash)
                kinds = added.setdefault(case.reference, {})
                label = ENTRY_LABELS[entry.kind]
                kinds[label] = kinds.get(label, 0) + 1
                if entry.kind not in FOR_THE_CHRONOLOGY:
                    _audit_review_mode_copy(session, signed_in, returned, case, entry)
                    continue
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
        row.imported_entries = json.dumps(sorted(taken))
        row.imported_at = signed_in.clock.utc_now()
        row.imported_by_name = me.display_name
        result = ImportedReview(added)
        signed_in.record(
            session,
            "review_pack.imported",
            subject_type="review_pack",
            subject_id=returned.pack_id,
            details={"reviewer": returned.reviewer, "entries": result.total},
        )
    return result


def _audit_review_mode_copy(
    session: Session,
    signed_in: SignedIn,
    returned: ReturnedReview,
    case: ReturnedCase,
    entry: PackEntry,
) -> None:
    """A record printed or saved in review mode, as the audit log keeps the main app's."""
    action = "document.saved_unencrypted" if entry.kind == SAVED else "document.printed"
    signed_in.record(
        session,
        action,
        subject_type="incident",
        subject_id=case.incident_id,
        details={
            "document": f"Incident record {case.reference}",
            "in_review_mode_by": entry.reviewer,
            "when": f"{entry_when(entry):%d/%m/%Y %H:%M}",
            ("file" if entry.kind == SAVED else "pages"): entry.text,
            "pack": returned.pack_id,
        },
    )


def _local(utc_naive: datetime) -> datetime:
    return utc_naive.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)

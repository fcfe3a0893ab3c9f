"""Bringing a review back: checking the returned pack and importing what is new in it.

The pack is read by named columns once its layout is the one this program makes, and what it
holds is bounded and typed (``_entries.check_pack``): whoever holds the passphrase can write to
it. The dates in it are what the reviewer's computer said: each imported entry is stamped with
the time of the import, the reviewer's date kept beside it as theirs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from esafety_desktop.domain.roles import Permission
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.review_packs._entries import (
    ENTRY_LABELS,
    FOR_THE_CHRONOLOGY,
    SAVED,
    SIGNED_OFF,
    _local,
    _refused,
    check_pack,
    check_pack_size,
    entry_title,
    entry_when,
    read_entries,
)
from esafety_desktop.storage.models import IncidentEntry, ReviewPack
from esafety_desktop.storage.review_pack import (
    PackCase as PackCase,  # what review mode shows
)
from esafety_desktop.storage.review_pack import (
    PackEntry as PackEntry,
)
from esafety_desktop.storage.review_pack import (
    PackFile,
    PackProblem,
)

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
    check_pack_size(Path(path))
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
        check_pack(pack)  # its layout, sizes and types, before anything is read from it
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
        cases = pack.cases()
        sent = _sent(signed_in, str(pack_id), row.cases, cases)
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
                [e for e in read_entries(pack, c.incident_id) if e.hash not in taken],
            )
            for c in cases
        ]
        already = sum(1 for e in read_entries(pack) if e.hash in taken)
        try:
            exported_at = datetime.fromisoformat(info["exported_at"])
        except (KeyError, ValueError):
            raise _refused(Path(path), "it does not say when it was exported") from None
        return ReturnedReview(
            path=Path(path),
            pack_id=str(pack_id),
            reviewer=str(row.reviewer),
            exported_at=exported_at,
            cases=[c for c in returned if c.entries],
            already_imported=already,
            last_imported=_local(row.imported_at) if row.imported_at else None,
        )
    finally:
        pack.close()


def _sent(signed_in: SignedIn, pack_id: str, kept: str, cases: list[PackCase]) -> dict[str, str]:
    """The cases exported in the pack, each with its record's SHA-256: the school database's
    as its ``review_pack`` row keeps them, the restricted cases' as their own seals do (a pack
    exported before those were sealed lists them in the row). Refused when the pack holds a
    restricted case this account cannot open: it could not be checked, nor imported."""
    from esafety_desktop.services.restricted_cases import state_of
    from esafety_desktop.services.review_packs.exporting import sealed_exports

    sent: dict[str, str] = json.loads(kept or "{}")
    held = state_of(signed_in).held
    if any(-c.incident_id not in held for c in cases if c.incident_id < 0):
        raise _cannot_open()
    sent.update({str(i): digest for i, digest in sealed_exports(signed_in, pack_id).items()})
    return sent


def _cannot_open() -> PackProblem:
    return PackProblem(
        "This pack holds a restricted case this account cannot open.",
        "Ask a DSL who can open it to import the review. Nothing was changed.",
    )


def import_review(signed_in: SignedIn, returned: ReturnedReview) -> ImportedReview:
    """Add the reviewer's new entries to each case's chronology (what review mode printed or
    saved goes to the audit log); the pack remembers each entry taken, so a later copy of it
    adds only what is new."""
    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    me = signed_in.account
    added: dict[str, dict[str, int]] = {}
    now = signed_in.clock.utc_now()  # every entry's time as recorded here: the import's
    _import_restricted(signed_in, returned, now)
    with signed_in.database.transaction() as session:
        row = session.scalar(select(ReviewPack).where(ReviewPack.pack_id == returned.pack_id))
        if row is None:
            raise PackProblem("This pack is not one of this school's.", "Nothing was changed.")
        taken = set(json.loads(row.imported_entries or "[]"))
        if row.imported_at is not None and row.imported_entries is None:
            raise PackProblem("This review was already imported.", "Nothing was changed.")
        in_clear = 0
        for case in returned.cases:
            for entry in case.entries:
                if entry.hash in taken:
                    continue  # another window imported it meanwhile
                taken.add(entry.hash)
                kinds = added.setdefault(case.reference, {})
                label = ENTRY_LABELS[entry.kind]
                kinds[label] = kinds.get(label, 0) + 1
                if case.incident_id < 0:
                    continue  # a restricted case: added in its own store (_import_restricted)
                in_clear += 1
                if entry.kind not in FOR_THE_CHRONOLOGY:
                    _audit_review_mode_copy(session, signed_in, returned, case, entry)
                    continue
                session.add(_chronology_entry(signed_in, case, entry, now))
        row.imported_entries = json.dumps(sorted(taken))
        row.imported_at = now
        row.imported_by_name = me.display_name
        result = ImportedReview(added)
        # Only the school database's cases are counted in clear: a restricted case's entries
        # are recorded inside its own seal (_import_restricted).
        signed_in.record(
            session,
            "review_pack.imported",
            subject_type="review_pack",
            subject_id=returned.pack_id,
            details={"reviewer": returned.reviewer, "entries": in_clear},
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
            "dated_in_the_pack": f"{entry_when(entry):%d/%m/%Y %H:%M}",
            ("file" if entry.kind == SAVED else "pages"): entry.text,
            "pack": returned.pack_id,
        },
    )


def _chronology_entry(
    signed_in: SignedIn, case: ReturnedCase, entry: PackEntry, imported_at: datetime
) -> IncidentEntry:
    """The entry as the case's chronology keeps it: recorded at the time of the import (in the
    pack's order), the date the reviewer's pack gives it kept as theirs (``happened_at``, and
    said beside their name)."""
    me = signed_in.account
    said = f"dated {entry_when(entry):%d/%m/%Y %H:%M} in the pack"
    return IncidentEntry(
        incident_id=case.incident_id,
        recorded_at=imported_at,
        happened_at=datetime.fromisoformat(entry.recorded_at).astimezone(UTC).replace(tzinfo=None),
        author_id=me.id,
        author_name=f"{entry.reviewer} (offline review, {said}; imported by {me.display_name})",
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


def _import_restricted(
    signed_in: SignedIn, returned: ReturnedReview, imported_at: datetime
) -> None:
    """The new entries of the pack's restricted cases, each case's in its own store (sealed
    again with them, before the pack is marked as imported). Refused, with nothing changed,
    when this account cannot open one of them. An entry the case already has (an import
    stopped half way) is not added again."""
    from esafety_desktop.errors import InvalidInput
    from esafety_desktop.services.restricted_cases import store_for

    restricted = [c for c in returned.cases if c.incident_id < 0 and c.entries]
    if not restricted:
        return
    with signed_in.database.reading() as session:
        row = session.scalar(select(ReviewPack).where(ReviewPack.pack_id == returned.pack_id))
        taken = set(json.loads(row.imported_entries or "[]")) if row is not None else set()
    try:
        stores = [(case, store_for(signed_in, case.incident_id)) for case in restricted]
    except InvalidInput:
        raise _cannot_open() from None
    for case, store in stores:
        new = [e for e in case.entries if e.hash not in taken]
        if not new:
            continue
        with store.transaction() as session:
            for entry in new:
                if entry.kind not in FOR_THE_CHRONOLOGY:
                    _audit_review_mode_copy(session, signed_in, returned, case, entry)
                    continue
                made = _chronology_entry(signed_in, case, entry, imported_at)
                if (
                    session.scalar(
                        select(IncidentEntry.id).where(
                            IncidentEntry.incident_id == case.incident_id,
                            IncidentEntry.happened_at == made.happened_at,
                            IncidentEntry.kind == made.kind,
                            IncidentEntry.title == made.title,
                            IncidentEntry.text == made.text,
                            IncidentEntry.author_name.startswith(
                                f"{entry.reviewer} (offline review", autoescape=True
                            ),
                        )
                    )
                    is None
                ):
                    session.add(made)
            signed_in.record(
                session,
                "review_pack.imported",
                subject_type="incident",
                subject_id=case.incident_id,
                details={"reviewer": returned.reviewer, "entries": len(new)},
            )

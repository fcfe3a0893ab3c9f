"""Importing the pupil list from the MIS: check everything first, then change all or nothing.

Pupils are recognised by UPN, then by admission number, so a second import updates them and
never duplicates. A full-roll import marks pupils who are not in it as possible leavers for the
DSL to confirm; nobody is marked as left without a person deciding.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from esafety_desktop.domain.mis_import import (
    MAX_BYTES,
    FileProblem,
    PupilCheck,
    PupilRecord,
    RowProblem,
    Table,
    check_pupils,
    counted,
    read_table,
    suggest_mapping,
)
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.storage.models import Person

_COPIED = (
    "surname",
    "forename",
    "date_of_birth",
    "upn",
    "mis_id",
    "year_group",
    "class_name",
    "send",
    "eal",
    "looked_after",
    "start_date",
    "leaving_date",
    "destination",
)


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do, shown before anything changes."""

    file_name: str
    full_roll: bool
    records: list[PupilRecord]
    problems: list[RowProblem]
    notes: list[str]
    new: int
    updated: int
    unchanged: int
    possible_leavers: list[str] = field(default_factory=list)

    @property
    def rows_with_problems(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    @property
    def clean(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportSummary:
    new: int
    updated: int
    unchanged: int
    skipped_rows: list[int]
    possible_leavers: int

    def sentence(self) -> str:
        parts = [
            f"{self.new} new pupil{'s' if self.new != 1 else ''}",
            f"{self.updated} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.skipped_rows:
            parts.append(f"{counted(len(self.skipped_rows), 'row')} skipped")
        if self.possible_leavers:
            parts.append(f"{counted(self.possible_leavers, 'possible leaver')} to confirm")
        return "Imported: " + ", ".join(parts) + "."


def read_export_file(path: Path) -> bytes:
    """The file's bytes, its size checked before any is read (a huge or special file is
    refused at once, never read into memory)."""
    try:
        found = os.stat(path)
        if not stat.S_ISREG(found.st_mode):
            raise FileProblem(f"{path.name or path} is not a file: choose the CSV export itself.")
        if found.st_size > MAX_BYTES:
            raise FileProblem("The file is larger than 20 MB; that is not a pupil list export.")
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise FileProblem(f"The file cannot be read: {exc.strerror or exc}.") from None
    if len(data) > MAX_BYTES:  # it grew while it was read
        raise FileProblem("The file is larger than 20 MB; that is not a pupil list export.")
    return data


def open_table(data: bytes) -> tuple[Table, dict[str, int | None]]:
    """Read the file and suggest which column is which."""
    table = read_table(data)
    return table, suggest_mapping(table.headings)


def plan_import(
    signed_in: SignedIn,
    table: Table,
    mapping: dict[str, int | None],
    *,
    file_name: str,
    full_roll: bool,
) -> ImportPlan:
    """Check every row and compare with the register. Changes nothing."""
    signed_in.require(Permission.MANAGE_PEOPLE)
    check = check_pupils(table, mapping, signed_in.clock.today())
    with signed_in.database.reading() as session:
        return _plan(session, check, file_name=file_name, full_roll=full_roll)


def apply_import(
    signed_in: SignedIn,
    plan: ImportPlan,
    *,
    skip_rows: set[int],
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import the checked rows in one transaction. Rows with problems must be skipped
    explicitly; if any is not, nothing is imported."""
    signed_in.require(Permission.MANAGE_PEOPLE)
    unskipped = [r for r in plan.rows_with_problems if r not in skip_rows]
    if unskipped:
        shown = ", ".join(str(r) for r in unskipped[:10])
        more = "…" if len(unskipped) > 10 else ""
        rows = "row has a problem" if len(unskipped) == 1 else "rows have problems"
        raise InvalidInput(
            f"{len(unskipped)} {rows} ({'row' if len(unskipped) == 1 else 'rows'} {shown}{more})"
            ". Correct the file, or choose to skip "
            f"{'it' if len(unskipped) == 1 else 'them'}. Nothing was imported."
        )
    day = signed_in.clock.today()
    with signed_in.database.transaction() as session:
        check = PupilCheck(records=plan.records, problems=plan.problems, notes=plan.notes)
        fresh = _plan(session, check, file_name=plan.file_name, full_roll=plan.full_roll)
        if fresh.problems != plan.problems:
            raise InvalidInput(
                "The register changed while the import was being checked. Check the file again."
            )
        index = _PupilIndex(session)
        seen: set[int] = set()
        new = updated = unchanged = 0
        now = signed_in.clock.utc_now()
        total = len(plan.records)
        for number, record in enumerate(plan.records, start=1):
            person = index.match(record)
            if person is None:
                person = Person(
                    kind=PersonKind.PUPIL.value,
                    created_at=now,
                    updated_at=now,
                    send=False,
                    eal=False,
                    looked_after=False,
                )
                _copy(record, person)
                session.add(person)
                new += 1
            elif _copy(record, person):
                person.updated_at = now
                updated += 1
            else:
                unchanged += 1
            person.possible_leaver_since = None
            session.flush()
            seen.add(person.id)
            if progress is not None and (number % 100 == 0 or number == total):
                progress(number, total)
        leavers = 0
        if plan.full_roll:
            for person in index.on_roll():
                if person.id not in seen and person.possible_leaver_since is None:
                    person.possible_leaver_since = day
                    leavers += 1
        summary = ImportSummary(
            new=new,
            updated=updated,
            unchanged=unchanged,
            skipped_rows=sorted(skip_rows & set(plan.rows_with_problems)),
            possible_leavers=leavers,
        )
        signed_in.record(
            session,
            "people.imported",
            details={
                "file": plan.file_name,
                "new": new,
                "updated": updated,
                "unchanged": unchanged,
                "skipped_rows": len(summary.skipped_rows),
                "possible_leavers": leavers,
                "full_roll": plan.full_roll,
            },
        )
    return summary


class _PupilIndex:
    def __init__(self, session: Session) -> None:
        self.pupils = list(
            session.scalars(select(Person).where(Person.kind == PersonKind.PUPIL.value))
        )
        self.by_upn = {p.upn: p for p in self.pupils if p.upn}
        self.by_mis = {p.mis_id: p for p in self.pupils if p.mis_id}

    def candidates(self, record: PupilRecord) -> tuple[Person | None, Person | None]:
        return (
            self.by_upn.get(record.upn) if record.upn else None,
            self.by_mis.get(record.mis_id) if record.mis_id else None,
        )

    def match(self, record: PupilRecord) -> Person | None:
        by_upn, by_mis = self.candidates(record)
        return by_upn or by_mis

    def on_roll(self) -> list[Person]:
        return [p for p in self.pupils if p.leaving_date is None]


def _plan(session: Session, check: PupilCheck, *, file_name: str, full_roll: bool) -> ImportPlan:
    index = _PupilIndex(session)
    problems = list(check.problems)
    records: list[PupilRecord] = []
    new = updated = unchanged = 0
    matched: set[int] = set()
    for record in check.records:
        by_upn, by_mis = index.candidates(record)
        if by_upn and by_mis and by_upn.id != by_mis.id:
            problems.append(
                RowProblem(
                    record.row,
                    f"the UPN belongs to {by_upn.forename} {by_upn.surname} but the admission "
                    f"number to {by_mis.forename} {by_mis.surname}",
                )
            )
            continue
        if by_mis and not by_upn and record.upn and by_mis.upn and by_mis.upn != record.upn:
            problems.append(
                RowProblem(
                    record.row,
                    f"the admission number {record.mis_id} belongs to {by_mis.forename} "
                    f"{by_mis.surname}, whose UPN is different",
                )
            )
            continue
        person = by_upn or by_mis
        records.append(record)
        if person is None:
            new += 1
        else:
            matched.add(person.id)
            if _differs(record, person):
                updated += 1
            else:
                unchanged += 1
    leavers = (
        [f"{p.forename} {p.surname}" for p in index.on_roll() if p.id not in matched]
        if full_roll
        else []
    )
    problems.sort(key=lambda p: p.row)
    return ImportPlan(
        file_name=file_name,
        full_roll=full_roll,
        records=records,
        problems=problems,
        notes=check.notes,
        new=new,
        updated=updated,
        unchanged=unchanged,
        possible_leavers=sorted(leavers),
    )


def _differs(record: PupilRecord, person: Person) -> bool:
    return any(getattr(person, name) != getattr(record, name) for name in _COPIED) or (
        (record.preferred_name or None) != person.preferred_name
    )


def _copy(record: PupilRecord, person: Person) -> bool:
    """Copy the record onto the person; True when anything changed."""
    changed = _differs(record, person)
    for name in _COPIED:
        setattr(person, name, getattr(record, name))
    person.preferred_name = record.preferred_name or None
    return changed

"""Reading a pupil list exported from the school's MIS (SIMS, Arbor, Bromcom and the like).

Pure functions: bytes in, checked records and row-by-row reasons out. Nothing here touches the
database; the import service decides what is new, changed or possibly left.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from esafety_desktop.domain.uk_dates import (
    DateOrder,
    DateProblem,
    column_is_month_first,
    parse_uk_date,
)
from esafety_desktop.domain.upn import normalise_upn, upn_problem

MAX_BYTES = 20 * 1024 * 1024  # a roll of 5,000 pupils is about 1 MB
# The separator is guessed from this much of the file: csv.Sniffer takes time that grows with
# the square of a line's length (a 24 KB line took 3 s), and 8,000 characters are plenty.
SNIFF_CHARACTERS = 8192


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool
    headings: tuple[str, ...]  # common MIS headings, best first, in squashed form


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


PUPIL_FIELDS: tuple[Field, ...] = (
    Field(
        "surname",
        "Surname",
        True,
        (
            "legal surname",
            "surname",
            "last name",
            "family name",
            "lastname",
            "pupil surname",
            "student surname",
        ),
    ),
    Field(
        "forename",
        "Legal forename",
        True,
        (
            "legal forename",
            "legal first name",
            "forename",
            "first name",
            "firstname",
            "given name",
            "forenames",
            "pupil forename",
            "student forename",
        ),
    ),
    Field(
        "preferred_name",
        "Preferred name",
        False,
        ("preferred forename", "preferred name", "preferred first name", "known as", "chosen name"),
    ),
    Field(
        "date_of_birth",
        "Date of birth",
        True,
        ("dob", "date of birth", "birth date", "birthdate", "d o b"),
    ),
    Field("upn", "UPN", False, ("upn", "unique pupil number")),
    Field(
        "mis_id",
        "Admission number or MIS id",
        False,
        (
            "adno",
            "admission number",
            "adm no",
            "admission no",
            "mis id",
            "arbor id",
            "student id",
            "pupil id",
            "person id",
            "external id",
            "id",
        ),
    ),
    Field(
        "year_group",
        "Year group",
        False,
        (
            "year group",
            "nc year",
            "ncyear",
            "curriculum year",
            "year",
            "yeargroup",
            "year grp",
            "yr",
        ),
    ),
    Field(
        "class_name",
        "Class or form",
        False,
        (
            "reg group",
            "registration group",
            "registration form",
            "reg grp",
            "form",
            "form group",
            "tutor group",
            "class",
            "reg",
        ),
    ),
    Field("send", "SEND", False, ("send", "send status", "sen status", "sen", "sen provision")),
    Field("eal", "EAL", False, ("eal", "english as an additional language")),
    Field(
        "looked_after",
        "Looked after",
        False,
        ("looked after", "child looked after", "looked after child", "cla", "lac", "in care"),
    ),
    Field(
        "start_date",
        "Start date",
        False,
        ("start date", "admission date", "date of admission", "entry date", "date joined"),
    ),
    Field("leaving_date", "Leaving date", False, ("leaving date", "date of leaving", "leave date")),
    Field(
        "destination",
        "Destination school",
        False,
        ("destination school", "destination", "next school"),
    ),
)
FIELDS_BY_KEY = {f.key: f for f in PUPIL_FIELDS}
DATE_FIELDS = ("date_of_birth", "start_date", "leaving_date")
FLAG_FIELDS = ("send", "eal", "looked_after")

YEAR_GROUPS = ("N", "R", *[str(n) for n in range(1, 14)])
YEAR_GROUP_LABELS = {
    "N": "Nursery",
    "R": "Reception",
    **{str(n): f"Year {n}" for n in range(1, 14)},
}


@dataclass(frozen=True)
class Table:
    headings: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PupilRecord:
    row: int
    surname: str
    forename: str
    preferred_name: str
    date_of_birth: date
    upn: str | None
    mis_id: str | None
    year_group: str | None
    class_name: str | None
    send: bool
    eal: bool
    looked_after: bool
    start_date: date | None
    leaving_date: date | None
    destination: str | None


@dataclass(frozen=True)
class RowProblem:
    row: int
    reason: str
    pupil: str = ""  # the name on the row, as the file has it, so the DSL knows who


def counted(n: int, word: str, words: str | None = None) -> str:
    """ "1 row", "3 rows": a number with its word in the right form."""
    return f"{n} {word if n == 1 else words or word + 's'}"


def _name_on(cells: list[str], mapping: dict[str, int | None]) -> str:
    names = [_cell(cells, mapping.get(key)).strip() for key in ("forename", "surname")]
    return " ".join(n for n in names if n)


@dataclass(frozen=True)
class PupilCheck:
    records: list[PupilRecord]
    problems: list[RowProblem]
    notes: list[str]

    @property
    def rows_with_problems(self) -> set[int]:
        return {p.row for p in self.problems}


# -- reading the file ---------------------------------------------------------------------


def read_table(data: bytes) -> Table:
    """Decode and split a CSV export, whatever its encoding, BOM and separator."""
    if len(data) > MAX_BYTES:
        raise FileProblem("The file is larger than 20 MB; that is not a pupil list export.")
    if data.startswith(b"PK\x03\x04"):
        raise FileProblem(
            "This is an Excel workbook (.xlsx), not a CSV file. In Excel choose File, Save As, "
            "and 'CSV UTF-8 (Comma delimited)', then import that file."
        )
    text, notes = _decode(data)
    if "\x00" in text:
        raise FileProblem("The file contains binary data; it is not a CSV text file.")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise FileProblem("The file is empty.")
    dialect = _dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    rows: list[tuple[int, list[str]]] = []
    headings: list[str] | None = None
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if headings is None:
                headings = [c.strip() for c in cells]
                continue
            rows.append((reader.line_num, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise FileProblem(
            f"Row {reader.line_num} cannot be read ({exc}): a quote mark is not closed. "
            "Export the file again from the MIS."
        ) from None
    if headings is None:
        raise FileProblem("The file is empty.")
    if len(set(map(_squash, headings))) != len(headings):
        notes.append("Some column headings appear twice; the first of each is suggested.")
    return Table(headings=headings, rows=rows, notes=notes)


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), ["The file is UTF-16 text (a Unicode export)."]
        except UnicodeDecodeError as exc:
            raise FileProblem(f"The UTF-16 text is damaged near byte {exc.start}.") from None
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("cp1252"), [
                "The file is not UTF-8; it was read as Windows text (Windows-1252). Check that "
                "accented names in the preview look right."
            ]
        except UnicodeDecodeError:
            row = data[: utf8_error.start].count(b"\n") + 1
            raise FileProblem(
                f"Row {row} holds characters that are neither UTF-8 nor Windows text, so the "
                "file's encoding is unknown. In Excel save it as 'CSV UTF-8'."
            ) from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = "\n".join(text[:SNIFF_CHARACTERS].splitlines()[:20])[:SNIFF_CHARACTERS]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


# -- mapping columns to fields ------------------------------------------------------------


def suggest_mapping(headings: list[str]) -> dict[str, int | None]:
    """For each field, the column whose heading is a known name for it (best name first)."""
    squashed = [_squash(h) for h in headings]
    taken: set[int] = set()
    mapping: dict[str, int | None] = {}
    for f in PUPIL_FIELDS:
        mapping[f.key] = None
        for name in f.headings:
            if name in squashed and squashed.index(name) not in taken:
                mapping[f.key] = squashed.index(name)
                taken.add(squashed.index(name))
                break
    return mapping


def mapping_from_headings(headings: list[str], chosen: dict[str, str]) -> dict[str, int | None]:
    """A mapping written as field -> heading text (a saved --mapping file)."""
    squashed = [_squash(h) for h in headings]
    mapping = suggest_mapping(headings)
    for key, heading in chosen.items():
        if key not in FIELDS_BY_KEY:
            raise FileProblem(f"The mapping names an unknown field {key!r}.")
        if _squash(heading) not in squashed:
            raise FileProblem(f"The mapping's column {heading!r} is not in the file.")
        mapping[key] = squashed.index(_squash(heading))
    return mapping


def missing_fields(mapping: dict[str, int | None]) -> list[str]:
    missing = [f.label for f in PUPIL_FIELDS if f.required and mapping.get(f.key) is None]
    if mapping.get("upn") is None and mapping.get("mis_id") is None:
        missing.append("UPN or admission number (to recognise pupils on the next import)")
    return missing


# -- checking every row -------------------------------------------------------------------


def check_pupils(table: Table, mapping: dict[str, int | None], today: date) -> PupilCheck:
    """Every row either becomes a record or gets its reasons; never both."""
    missing = missing_fields(mapping)
    if missing:
        raise FileProblem("These columns must be chosen first: " + "; ".join(missing) + ".")
    orders = {
        key: DateOrder(
            month_first=column_is_month_first(
                [_cell(cells, mapping[key]) for _, cells in table.rows]
            )
        )
        for key in DATE_FIELDS
        if mapping.get(key) is not None
    }
    problems: list[RowProblem] = []
    records: list[PupilRecord] = []
    for key, order in orders.items():
        if order.month_first:
            heading = table.headings[mapping[key]]  # type: ignore[index]
            problems += [
                RowProblem(
                    row,
                    f"{heading} is in US order (month/day); export the file with UK "
                    "dates (day/month)",
                    _name_on(cells, mapping),
                )
                for row, cells in table.rows
            ]
    # A US-ordered column has said so for every row; its dates are not read one by one.
    us_columns = {key for key, order in orders.items() if order.month_first}
    for row, cells in table.rows:
        reasons: list[str] = []
        record = _check_row(row, cells, mapping, today, reasons, us_columns)
        problems += [RowProblem(row, r, _name_on(cells, mapping)) for r in reasons]
        if record is not None and not reasons:
            records.append(record)
    for key, label in (("upn", "UPN"), ("mis_id", "admission number")):
        seen: dict[str, list[int]] = defaultdict(list)
        for record in records:
            value = getattr(record, key)
            if value:
                seen[value].append(record.row)
        names = {r.row: f"{r.forename} {r.surname}".strip() for r in records}
        for value, rows in seen.items():
            if len(rows) > 1:
                others = ", ".join(str(r) for r in rows)
                problems += [
                    RowProblem(r, f"the {label} {value} appears on rows {others}", names[r])
                    for r in rows
                ]
    bad = {p.row for p in problems}
    records = [r for r in records if r.row not in bad]
    problems.sort(key=lambda p: p.row)
    return PupilCheck(records=records, problems=problems, notes=list(table.notes))


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _check_row(
    row: int,
    cells: list[str],
    mapping: dict[str, int | None],
    today: date,
    reasons: list[str],
    us_columns: set[str],
) -> PupilRecord | None:
    def get(key: str) -> str:
        return "" if key in us_columns else _cell(cells, mapping.get(key))

    surname, forename = get("surname"), get("forename")
    if not surname:
        reasons.append("the surname is missing")
    if not forename:
        reasons.append("the forename is missing")
    dob = _date(
        get("date_of_birth"),
        "date of birth",
        reasons,
        required="date_of_birth" not in us_columns,
    )
    if dob is not None:
        if dob > today:
            reasons.append(f"the date of birth {dob:%d/%m/%Y} is in the future")
        elif not 2 <= (today - dob).days / 365.25 <= 25:
            reasons.append(f"the date of birth {dob:%d/%m/%Y} is not a school-age pupil's")
    upn = normalise_upn(get("upn")) or None
    if upn is not None:
        problem = upn_problem(upn)
        if problem:
            reasons.append(problem)
    mis_id = get("mis_id") or None
    if upn is None and mis_id is None:
        reasons.append("there is neither a UPN nor an admission number")
    year = _year_group(get("year_group"), reasons)
    start = _date(get("start_date"), "start date", reasons)
    leaving = _date(get("leaving_date"), "leaving date", reasons)
    if start and leaving and leaving < start:
        reasons.append("the leaving date is before the start date")
    flags = {key: _flag(get(key), FIELDS_BY_KEY[key].label, reasons) for key in FLAG_FIELDS}
    if reasons or dob is None:
        return None
    return PupilRecord(
        row=row,
        surname=surname,
        forename=forename,
        preferred_name=get("preferred_name"),
        date_of_birth=dob,
        upn=upn,
        mis_id=mis_id,
        year_group=year,
        class_name=get("class_name") or None,
        send=flags["send"],
        eal=flags["eal"],
        looked_after=flags["looked_after"],
        start_date=start,
        leaving_date=leaving,
        destination=get("destination") or None,
    )


def _date(text: str, what: str, reasons: list[str], required: bool = False) -> date | None:
    if not text:
        if required:
            reasons.append(f"the {what} is missing")
        return None
    try:
        return parse_uk_date(text)
    except DateProblem as exc:
        reasons.append(f"the {what}: {exc}")
        return None


_YEAR = re.compile(r"^(?:y(?:ea)?r?\s*)?(\d{1,2})$")


def normalise_year_group(text: str) -> str | None:
    squashed = _squash(text)
    if not squashed:
        return None
    if squashed in ("r", "rec", "reception", "yr r", "year r", "f", "f2", "fs2"):
        return "R"
    if squashed in ("n", "nursery", "n1", "n2", "fs1", "f1"):
        return "N"
    found = _YEAR.match(squashed.replace(" ", ""))
    if found and 1 <= int(found.group(1)) <= 13:
        return str(int(found.group(1)))
    raise ValueError(text)


def _year_group(text: str, reasons: list[str]) -> str | None:
    try:
        return normalise_year_group(text)
    except ValueError:
        reasons.append(f"{text!r} is not a year group (use Reception, 1 to 13, or Nursery)")
        return None


_YES = {"y", "yes", "true", "1", "x"}
_NO = {"", "n", "no", "false", "0", "none"}
_SEND_CODES = {"k", "e", "s", "a", "p", "ehcp", "sen support"}


def _flag(text: str, label: str, reasons: list[str]) -> bool:
    value = _squash(text)
    if value in _YES or (label == "SEND" and value in _SEND_CODES):
        return True
    if value in _NO:
        return False
    reasons.append(f"{text!r} is not a yes/no value for {label}")
    return False

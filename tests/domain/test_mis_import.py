"""Reading MIS exports of several shapes, and every kind of bad row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from esafety_desktop.domain.mis_import import (
    FileProblem,
    check_pupils,
    mapping_from_headings,
    read_table,
    suggest_mapping,
)
from esafety_desktop.domain.uk_dates import DateProblem, parse_uk_date
from esafety_desktop.domain.upn import make_upn, upn_problem

CSV = Path(__file__).parent / "csv"
TODAY = date(2026, 11, 23)


def _check(data: bytes):  # type: ignore[no-untyped-def]
    table = read_table(data)
    return table, check_pupils(table, suggest_mapping(table.headings), TODAY)


def test_a_sims_like_export_maps_itself_and_reads_every_row() -> None:
    table, check = _check((CSV / "sims_like.csv").read_bytes())
    mapping = suggest_mapping(table.headings)
    assert table.headings[mapping["surname"]] == "Legal Surname"  # type: ignore[index]
    assert table.headings[mapping["class_name"]] == "Reg Group"  # type: ignore[index]
    assert check.problems == []
    oliver = next(r for r in check.records if r.forename == "Oliver")
    assert (oliver.preferred_name, oliver.date_of_birth, oliver.year_group) == (
        "Olly",
        date(2019, 1, 17),
        "3",
    )
    assert oliver.send and oliver.eal and not oliver.looked_after
    priya = next(r for r in check.records if r.forename == "Priya")
    assert priya.send and priya.looked_after
    assert next(r for r in check.records if r.surname == "Everleigh").year_group == "R"


def test_a_bromcom_like_export_with_bom_and_semicolons() -> None:
    table, check = _check((CSV / "bromcom_like.csv").read_bytes())
    assert table.headings[0] == "Student Id"  # the BOM is not part of the heading
    assert check.problems == []
    assert next((r.mis_id, r.year_group, r.date_of_birth) for r in check.records) == (
        "BR1001",
        "10",
        date(2011, 5, 3),
    )


def test_an_arbor_like_export_with_iso_dates() -> None:
    _, check = _check((CSV / "arbor_like.csv").read_bytes())
    assert check.problems == []
    assert check.records[0].start_date == date(2025, 9, 3)
    assert check.records[0].class_name == "7 Oak"


def test_an_excel_saved_windows_file_is_read_with_a_note() -> None:
    table, check = _check((CSV / "excel_cp1252.csv").read_bytes())
    assert check.problems == []
    assert [r.forename for r in check.records] == ["Zoë", "Inés"]
    assert check.records[0].date_of_birth == date(2019, 1, 1)  # Excel serial 43466
    assert check.records[1].date_of_birth == date(2017, 5, 20)  # midnight time removed
    assert any("Windows-1252" in n for n in table.notes)


def _rows(*lines: str) -> bytes:
    header = "Surname,Forename,DOB,UPN,Adno,Year"
    return ("\n".join([header, *lines]) + "\n").encode()


GOOD_UPN = make_upn(823, 4012, 19, 50)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (f",Amy,01/02/2018,{GOOD_UPN},A1,3", "the surname is missing"),
        (f"Bell,Amy,31/02/2018,{GOOD_UPN},A1,3", "is not a real date"),
        (f"Bell,Amy,01/02/2031,{GOOD_UPN},A1,3", "is in the future"),
        (f"Bell,Amy,01/02/1970,{GOOD_UPN},A1,3", "not a school-age pupil"),
        (f"Bell,Amy,########,{GOOD_UPN},A1,3", "too narrow in Excel"),
        ("Bell,Amy,01/02/2018,A823401219050,A1,3", "wrong check letter"),
        ("Bell,Amy,01/02/2018,,,3", "neither a UPN nor an admission number"),
        (f"Bell,Amy,01/02/2018,{GOOD_UPN},A1,Year 15", "is not a year group"),
        (f"Bell,Amy,,{GOOD_UPN},A1,3", "the date of birth is missing"),
    ],
)
def test_each_bad_row_is_named_with_its_row_number_and_reason(line: str, reason: str) -> None:
    good = f"Good,Gail,05/06/2017,{make_upn(823, 4012, 19, 60)},A2,4"
    _, check = _check(_rows(good, line))
    assert [p.row for p in check.problems] == [3]
    assert reason in check.problems[0].reason
    assert [r.surname for r in check.records] == ["Good"]


def test_a_duplicate_upn_names_both_rows() -> None:
    _, check = _check(
        _rows(f"Bell,Amy,01/02/2018,{GOOD_UPN},A1,3", f"Cole,Ben,02/02/2018,{GOOD_UPN},A2,3")
    )
    assert [(p.row, p.reason) for p in check.problems] == [
        (2, f"the UPN {GOOD_UPN} appears on rows 2, 3"),
        (3, f"the UPN {GOOD_UPN} appears on rows 2, 3"),
    ]
    assert check.records == []


def test_a_us_ordered_date_column_is_refused_for_every_row() -> None:
    _, check = _check(
        _rows(
            f"Bell,Amy,03/25/2018,{GOOD_UPN},A1,3",
            f"Cole,Ben,04/01/2018,{make_upn(823, 4012, 19, 61)},A2,3",
        )
    )
    assert {p.row for p in check.problems} == {2, 3}
    assert all("US order" in p.reason for p in check.problems)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
        (b'Surname,Forename\n"Bell,Amy\n', "quote mark is not closed"),
        (b"Surname,Forename\nBell,Amy\n\x81\x8d\x90\n", "Row 3"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data: bytes, reason: str) -> None:
    with pytest.raises(FileProblem, match=reason):
        read_table(data)


def test_a_mapping_must_name_the_required_columns() -> None:
    table = read_table(b"Name,Birthday\nAmy Bell,01/02/2018\n")
    with pytest.raises(FileProblem, match="Surname; Legal forename; Date of birth"):
        check_pupils(table, suggest_mapping(table.headings), TODAY)
    with pytest.raises(FileProblem, match="'Nope' is not in the file"):
        mapping_from_headings(table.headings, {"surname": "Nope"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("04/09/2018", date(2018, 9, 4)),
        ("4/9/18", date(2018, 9, 4)),
        ("04.09.2018", date(2018, 9, 4)),
        ("2018-09-04", date(2018, 9, 4)),
        ("4 Sept 2018", date(2018, 9, 4)),
        ("04-Sep-2018", date(2018, 9, 4)),
        ("43347", date(2018, 9, 4)),
        ("2018-09-04 00:00:00", date(2018, 9, 4)),
    ],
)
def test_uk_dates_in_the_shapes_mis_exports_use(text: str, expected: date) -> None:
    assert parse_uk_date(text) == expected


def test_a_date_that_is_not_one_says_so() -> None:
    with pytest.raises(DateProblem, match="not a date"):
        parse_uk_date("next Tuesday")


def test_upn_check_letters() -> None:
    upn = make_upn(823, 4012, 19, 1)
    assert upn_problem(upn) is None
    assert "wrong check letter" in str(upn_problem("Z" + upn[1:]))
    assert "13 characters" in str(upn_problem(upn[:-1]))

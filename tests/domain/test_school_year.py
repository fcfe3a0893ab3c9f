from datetime import date

import pytest

from esafety_desktop.domain.school_year import (
    last_days,
    previous_school_year,
    school_year_containing,
)


@pytest.mark.parametrize(
    ("day", "label", "start", "end"),
    [
        (date(2026, 8, 31), "2025/26", date(2025, 9, 1), date(2026, 8, 31)),
        (date(2026, 9, 1), "2026/27", date(2026, 9, 1), date(2027, 8, 31)),
        (date(2027, 2, 28), "2026/27", date(2026, 9, 1), date(2027, 8, 31)),
        (date(2099, 12, 31), "2099/00", date(2099, 9, 1), date(2100, 8, 31)),
    ],
)
def test_a_school_year_runs_from_1_september_to_31_august(
    day: date, label: str, start: date, end: date
) -> None:
    year = school_year_containing(day)
    assert (year.label, year.start, year.end) == (label, start, end)
    assert day in year and start in year and end in year


def test_a_school_with_another_start_day_and_the_year_before() -> None:
    year = school_year_containing(date(2026, 8, 20), start=(8, 15))
    assert (year.start, year.end) == (date(2026, 8, 15), date(2027, 8, 14))
    before = previous_school_year(date(2026, 11, 23))
    assert before.label == "2025/26" and date(2026, 9, 1) not in before


def test_the_last_thirty_days_include_today() -> None:
    period = last_days(date(2026, 3, 1), 30)
    assert period.start == date(2026, 1, 31) and date(2026, 3, 1) in period
    assert date(2026, 1, 30) not in period


@pytest.mark.parametrize(
    ("now_in", "as_of", "then", "expected"),
    [
        ("6", date(2026, 11, 23), date(2026, 9, 1), "6"),
        ("6", date(2026, 11, 23), date(2026, 8, 31), "5"),
        ("6", date(2026, 11, 23), date(2024, 10, 8), "4"),
        ("1", date(2026, 11, 23), date(2025, 10, 1), "R"),
        ("1", date(2026, 11, 23), date(2025, 3, 1), "N"),
        ("R", date(2026, 11, 23), date(2025, 3, 1), None),  # before nursery
        ("6", date(2025, 7, 22), date(2025, 1, 21), "6"),  # a leaver: from the leaving date
        (None, date(2026, 11, 23), date(2025, 1, 1), None),
    ],
)
def test_the_year_group_a_pupil_was_in_then(
    now_in: str | None, as_of: date, then: date, expected: str | None
) -> None:
    from esafety_desktop.domain.school_year import year_group_then

    assert year_group_then(now_in, as_of, then) == expected


def test_five_school_days_skip_the_weekend() -> None:
    from esafety_desktop.domain.school_year import add_school_days

    assert add_school_days(date(2026, 11, 20), 5) == date(2026, 11, 27)  # Friday to Friday
    assert add_school_days(date(2026, 11, 23), 5) == date(2026, 11, 30)  # Monday to Monday
    assert add_school_days(date(2026, 11, 21), 1) == date(2026, 11, 23)  # Saturday to Monday


def test_the_year_group_a_date_of_birth_usually_gives() -> None:
    """England: Reception in the school year a child turns five."""
    from esafety_desktop.domain.school_year import usual_year_group, year_group_mismatch

    today = date(2026, 12, 1)  # the 2026/27 school year
    assert usual_year_group(date(2021, 9, 1), today) == "R"  # turns five in September 2026
    assert usual_year_group(date(2021, 8, 31), today) == "1"  # turned five in August 2026
    assert usual_year_group(date(2022, 9, 1), today) == "N"
    assert usual_year_group(date(2016, 9, 4), today) == "5"  # turns ten this school year
    assert usual_year_group(date(2024, 1, 1), today) is None  # too young for nursery
    assert year_group_mismatch(date(2016, 9, 4), "5", today) is None
    warning = year_group_mismatch(date(2016, 9, 4), "3", today)
    assert warning is not None
    assert warning.startswith(
        "Children born between 01/09/2016 and 31/08/2017 are usually in Year 5 this school "
        "year, not Year 3."
    )
    assert year_group_mismatch(None, "3", today) is None

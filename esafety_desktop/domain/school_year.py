"""School years and the periods people pick when they look back over cases.

A school year starts on a school-set day (1 September unless the school says otherwise) and
runs to the day before the next start. Periods are inclusive of both ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_START = (9, 1)  # month, day


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def school_year_containing(day: date, start: tuple[int, int] = DEFAULT_START) -> Period:
    """The school year that ``day`` falls in, labelled as schools write it ("2025/26")."""
    month, first_day = start
    begins = date(day.year, month, first_day)
    if day < begins:
        begins = date(day.year - 1, month, first_day)
    ends = date(begins.year + 1, month, first_day) - timedelta(days=1)
    return Period(begins, ends, f"{begins.year}/{(begins.year + 1) % 100:02d}")


def previous_school_year(day: date, start: tuple[int, int] = DEFAULT_START) -> Period:
    this = school_year_containing(day, start)
    return school_year_containing(this.start - timedelta(days=1), start)


def last_days(today: date, days: int) -> Period:
    return Period(today - timedelta(days=days - 1), today, f"the last {days} days")


YEAR_ORDER = ("N", "R", *[str(n) for n in range(1, 14)])


def year_group_then(
    year_group: str | None,
    as_of: date,
    then: date,
    start: tuple[int, int] = DEFAULT_START,
) -> str | None:
    """The year group a pupil was in on ``then``, from the one they were in on ``as_of``
    (today, or their leaving date). None before nursery, or when unknown."""
    if year_group not in YEAR_ORDER:
        return None
    moved = school_year_containing(as_of, start).start.year
    moved -= school_year_containing(then, start).start.year
    index = YEAR_ORDER.index(year_group) - moved
    return YEAR_ORDER[index] if 0 <= index < len(YEAR_ORDER) else None


def add_school_days(day: date, days: int) -> date:
    """The date ``days`` school days (Monday to Friday) after ``day``."""
    found = day
    while days > 0:
        found += timedelta(days=1)
        if found.weekday() < 5:
            days -= 1
    return found


def usual_year_group(
    date_of_birth: date, today: date, start: tuple[int, int] = DEFAULT_START
) -> str | None:
    """The year group a child born on ``date_of_birth`` is usually in during the school year
    containing ``today`` (England: Reception in the school year they turn five). None before
    nursery or past Year 13."""
    born_in = school_year_containing(date_of_birth, start).start.year
    now_in = school_year_containing(today, start).start.year
    index = now_in - born_in - 4
    return YEAR_ORDER[index] if 0 <= index < len(YEAR_ORDER) else None


def year_group_mismatch(
    date_of_birth: date | None,
    year_group: str | None,
    today: date,
    start: tuple[int, int] = DEFAULT_START,
) -> str | None:
    """A warning (never a refusal: some pupils are taught out of their year group) when the
    year group is not the one their date of birth usually gives."""
    if date_of_birth is None or not year_group:
        return None
    usual = usual_year_group(date_of_birth, today, start)
    if usual == year_group:
        return None
    cohort = school_year_containing(date_of_birth, start)
    named = {"N": "Nursery", "R": "Reception"}
    usually = (
        f"usually in {named.get(usual, f'Year {usual}')}"
        if usual
        else "not usually at a primary or secondary school"
    )
    return (
        f"Children born between {cohort.start:%d/%m/%Y} and {cohort.end:%d/%m/%Y} are "
        f"{usually} this school year, not {named.get(year_group, f'Year {year_group}')}. "
        "Check the date of birth and the year group (a pupil may be taught out of their year "
        "group)."
    )

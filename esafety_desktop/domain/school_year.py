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

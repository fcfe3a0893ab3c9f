"""Dates as schools' MIS exports write them, read the UK way (day before month).

What Excel does to dates on the way through is recognised and either undone (serial numbers,
a time of midnight tacked on) or refused with a reason (a column too narrow to show the date,
US month-first order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC = re.compile(r"^(\d{1,4})[/\-.](\d{1,2})[/\-.](\d{1,4})$")
_WORDY = re.compile(r"^(\d{1,2})[\s\-/]+([A-Za-z]+)\.?[\s\-/,]+(\d{2,4})$")
_EXCEL_EPOCH = date(1899, 12, 30)


class DateProblem(ValueError):
    """Why a date could not be read; the message is for the user."""


@dataclass(frozen=True)
class DateOrder:
    """Day-first (UK) unless the column shows month-first order (a US-format export)."""

    month_first: bool = False


def parse_uk_date(text: str, order: DateOrder = DateOrder()) -> date:
    raw = text.strip()
    if not raw:
        raise DateProblem("the date is empty")
    if set(raw) == {"#"}:
        raise DateProblem(
            "the date shows as ##### (the column was too narrow in Excel when the file was "
            "saved): widen the column and export again"
        )
    # "2015-03-12 00:00:00" or "12/03/2015 00:00": a date Excel gave a time of midnight.
    raw = re.sub(r"[ T]0?0:00(:00(\.0+)?)?$", "", raw)
    if raw.isdigit() and 4 < len(raw) <= 5:
        serial = int(raw)
        if 10000 <= serial <= 80000:  # 1927 to 2119: an Excel serial day number
            return _EXCEL_EPOCH + timedelta(days=serial)
    numeric = _NUMERIC.match(raw)
    if numeric:
        a, b, c = numeric.groups()
        if len(a) == 4:
            return _make(int(a), int(b), int(c), raw)
        if order.month_first:
            return _make(_full_year(c, raw), int(a), int(b), raw)
        return _make(_full_year(c, raw), int(b), int(a), raw)
    wordy = _WORDY.match(raw)
    if wordy:
        day, month_name, year = wordy.groups()
        month = _MONTHS.get(month_name.lower())
        if month is None:
            raise DateProblem(f"{text!r} has a month this app does not know")
        return _make(_full_year(year, raw), month, int(day), raw)
    try:
        return datetime.fromisoformat(raw).date()
    except ValueError:
        raise DateProblem(f"{text!r} is not a date (write it as dd/mm/yyyy)") from None


def column_is_month_first(values: list[str]) -> bool:
    """True when some value can only be month-first (e.g. 03/25/2015) and none day-first."""
    month_first = day_first = False
    for value in values:
        found = _NUMERIC.match(value.strip())
        if not found or len(found.group(1)) == 4:
            continue
        first, second = int(found.group(1)), int(found.group(2))
        if second > 12 >= first:
            month_first = True
        elif first > 12 >= second:
            day_first = True
    return month_first and not day_first


def _full_year(text: str, raw: str) -> int:
    if len(text) == 4:
        return int(text)
    if len(text) == 2:
        # Two-digit years are what Excel leaves after "short date" formatting: pupils and
        # staff were born in this century or the last, so take the nearer one in the past.
        year = 2000 + int(text)
        return year if year <= date.today().year else year - 100
    raise DateProblem(f"{raw!r} has a year of {len(text)} digits")


def _make(year: int, month: int, day: int, raw: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateProblem(f"{raw!r} is not a real date") from None

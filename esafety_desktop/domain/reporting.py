"""What reports to the governors and the local authority are made of: periods, comparisons,
and the rule that no count small enough to identify a child is ever printed.

The governors' report is anonymised by construction: it is built from counts only, never from
names, UPNs or anything typed about a case, and every count below the school's threshold is
shown as "fewer than N".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

from esafety_desktop.domain.school_year import DEFAULT_START, Period, school_year_containing

DEFAULT_THRESHOLD = 3


def shown_count(count: int, threshold: int = DEFAULT_THRESHOLD) -> str:
    """A count as the report prints it: small ones (1 up to threshold - 1) are hidden."""
    if 0 < count < threshold:
        return f"fewer than {threshold}"
    return str(count)


def chart_count(count: int, threshold: int = DEFAULT_THRESHOLD) -> int:
    """A count as a chart may draw it: small ones are drawn as nothing, never as themselves."""
    return 0 if 0 < count < threshold else count


def terms(year: Period) -> list[Period]:
    """The three terms of a school year: autumn to the end of December, spring to the end of
    March, summer to the end of the school year."""
    autumn_end = date(year.start.year, 12, 31)
    spring_end = date(year.start.year + 1, 3, 31)
    return [
        Period(year.start, autumn_end, f"Autumn term {year.start.year}"),
        Period(autumn_end + timedelta(days=1), spring_end, f"Spring term {year.start.year + 1}"),
        Period(spring_end + timedelta(days=1), year.end, f"Summer term {year.start.year + 1}"),
    ]


def terms_touching(period: Period, start: tuple[int, int] = DEFAULT_START) -> list[Period]:
    """The terms the period touches, in order (whole terms, as a chart by term counts them)."""
    found = []
    year = school_year_containing(period.start, start)
    while year.start <= period.end:
        found += [
            t
            for t in terms(year)
            if t.start <= t.end and t.start <= period.end and t.end >= period.start
        ]
        year = school_year_containing(year.end + timedelta(days=1), start)
    return found


def term_index(days: list[date], found: list[Period]) -> list[int]:
    """For each day, the index in ``found`` (terms in order, as ``terms_touching`` gives them)
    of the term it falls in; -1 for a day before the first."""
    starts = [t.start for t in found]
    return [bisect_right(starts, day) - 1 for day in days]


def term_containing(day: date, start: tuple[int, int] = DEFAULT_START) -> Period:
    return next(t for t in terms(school_year_containing(day, start)) if day in t)


def previous(period: Period, start: tuple[int, int] = DEFAULT_START) -> Period:
    """The period to compare with: the year, or the same term, before; otherwise the same
    number of days just before."""
    year = school_year_containing(period.start, start)
    if (period.start, period.end) == (year.start, year.end):
        before = school_year_containing(year.start - timedelta(days=1), start)
        return Period(before.start, before.end, f"school year {before.label}")
    for number, term in enumerate(terms(year)):
        if (period.start, period.end) == (term.start, term.end):
            before = school_year_containing(year.start - timedelta(days=1), start)
            return terms(before)[number]
    length = period.end - period.start
    end = period.start - timedelta(days=1)
    return Period(end - length, end, "the same length of time before")


def months(period: Period) -> list[tuple[int, int]]:
    """(year, month) for each month the period touches, in order."""
    found = []
    day = period.start.replace(day=1)
    while day <= period.end:
        found.append((day.year, day.month))
        day = (day + timedelta(days=32)).replace(day=1)
    return found


# Themes of the lessons learned, found by words in what was written at closing. Only their
# counts are reported: the words themselves never leave the case.
THEMES = {
    "Filtering and monitoring": r"filter|block|monitor",
    "Staff training and awareness": r"staff|training|briefing|induction",
    "Teaching pupils (PSHE, RSE, computing)": r"pshe|rse|lesson|teach|curriculum|assembly",
    "Working with parents and carers": r"parent|carer|famil",
    "Devices and equipment": r"device|laptop|tablet|phone|watch|usb|equipment|app",
    "Policies and agreements": r"polic|agreement|aup|rule",
    "Reporting and responding": r"report|respond|sooner|quick",
}


def themes_of(lessons: str) -> list[str]:
    text = lessons.lower()
    return [theme for theme, pattern in THEMES.items() if re.search(pattern, text)]


@dataclass(frozen=True)
class Counted:
    label: str
    count: int
    before: int | None = None  # the same count in the period compared with


def change(now: int, before: int, threshold: int = DEFAULT_THRESHOLD) -> str:
    """How a count changed since the period compared with, in words. Only a hidden count
    (1 up to threshold - 1) hides the change: a difference from 0 or from a count shown in full
    tells nothing the two counts do not."""
    if 0 < now < threshold or 0 < before < threshold:
        return "not shown (small numbers)"
    if now == before:
        return "no change"
    if before == 0:
        return f"+{now} (none before)"
    return f"{now - before:+d}"


@dataclass(frozen=True)
class Chart:
    """What the report draws for the incidents over time: counts by month, or by term when most
    months' counts are too small to show, or no chart (``rows`` empty) and a sentence why; no
    section at all (``heading`` empty) for a period of one month, whose count is the total."""

    heading: str
    rows: list[Counted]
    note: str  # the bars drawn as nothing because their count is hidden; or why no chart


TOO_SMALL_TO_CHART = "The numbers are too small to chart without identifying pupils."


def incidents_chart(
    by_month: list[Counted], by_term: list[Counted], threshold: int = DEFAULT_THRESHOLD
) -> Chart:
    """Chart by month if no more months are hidden (1 up to threshold - 1) than are shown; else
    by term on the same rule; else no chart. Never a chart with no bar in it, nor one of a
    single bar (it would show nothing the total does not)."""
    over_time = "Incidents over time"
    if not any(r.count for r in by_month):
        return Chart(over_time, [], "No incidents were recorded in this period.")
    if len(by_month) < 2:
        return Chart("", [], "")
    for heading, rows, word in (
        ("Incidents by month", by_month, "Months"),
        ("Incidents by term", by_term, "Terms"),
    ):
        shown = sum(1 for r in rows if r.count >= threshold)
        hidden = [r.label for r in rows if 0 < r.count < threshold]
        if len(rows) >= 2 and shown and len(hidden) <= shown:
            note = (
                f"{word} with fewer than {threshold} incidents, drawn as none: {', '.join(hidden)}."
                if hidden
                else ""
            )
            return Chart(heading, rows, note)
    return Chart(over_time, [], TOO_SMALL_TO_CHART)


# -- what the printed reports take ---------------------------------------------------


@dataclass(frozen=True)
class GovernorsFigures:
    period: Period
    compared_with: Period
    threshold: int
    total: int
    total_before: int
    by_type: list[Counted]
    by_category: list[Counted]
    by_month: list[Counted]
    by_year_group: list[Counted]
    by_status: list[Counted]
    illegal: int
    unsuitable: int
    open_actions: int  # actions set on cases, not steps of the flowchart
    overdue_actions: int
    agreements: list[tuple[str, int, int]]  # audience, signed, of
    policy_review: date | None
    themes: list[Counted]
    policy_reviews_needed: int
    # Steps of the flowchart still to do on any case (each one of the case's actions), and
    # how many of them are past their due date.
    steps_to_do: int = 0
    steps_overdue: int = 0
    # The incidents in each term the period touches (the chart when months are too small).
    by_term: list[Counted] = field(default_factory=list)


@dataclass(frozen=True)
class OutstandingStep:
    """A step of the flowchart still to do on a case: its title (the flowchart's words, never
    anything typed) and due date."""

    title: str
    due: date
    overdue: bool


@dataclass(frozen=True)
class LogLine:
    reference: str
    reported: date
    closed: date | None
    incident_type: str
    status: str
    people: str
    outcome: str
    steps_to_do: tuple[OutstandingStep, ...] = ()  # soonest due first

    @property
    def steps_overdue(self) -> int:
        return sum(step.overdue for step in self.steps_to_do)

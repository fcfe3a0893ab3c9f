"""Which backups to keep: the newest of each of the last days, weeks and months that had one.

The usual grandfather-father-son schedule, counted in days that *had* a backup rather than
calendar days, so a PC left off over the summer holiday still keeps seven daily backups from
before it. Backups taken before an upgrade are kept too (the newest few), because they are the
way back if a new version misbehaves.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

BEFORE_UPGRADE = "before upgrade"


@dataclass(frozen=True)
class KeepRule:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12
    before_upgrade: int = 3


DEFAULT_KEEP = KeepRule()

T = TypeVar("T", bound=Hashable)


def to_keep(
    backups: Sequence[T],
    made_at: Callable[[T], datetime],
    kind: Callable[[T], str],
    rule: KeepRule = DEFAULT_KEEP,
) -> set[T]:
    """The backups the schedule keeps; ``made_at`` should give local time (days are local)."""
    newest_first = sorted(backups, key=made_at, reverse=True)
    kept: set[T] = set()
    for period, count in (
        (_day, rule.daily),
        (_week, rule.weekly),
        (_month, rule.monthly),
    ):
        seen: set[object] = set()
        for backup in newest_first:
            key = period(made_at(backup).date())
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.add(key)
            kept.add(backup)
    upgrades = [b for b in newest_first if kind(b) == BEFORE_UPGRADE]
    kept.update(upgrades[: rule.before_upgrade])
    return kept


def is_stale(newest: datetime | None, now: datetime, allowed: timedelta) -> bool:
    return newest is None or now - newest > allowed


def _day(day: date) -> object:
    return day


def _week(day: date) -> object:
    iso = day.isocalendar()
    return (iso.year, iso.week)


def _month(day: date) -> object:
    return (day.year, day.month)


def age_in_words(then: datetime, now: datetime) -> str:
    """ "today", "yesterday", "3 days ago" for a backup's age."""
    days = (now.date() - then.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"

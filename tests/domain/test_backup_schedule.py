"""The backup schedule: 7 daily, 4 weekly, 12 monthly, counted in days that had a backup."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from esafety_desktop.domain.backup_schedule import BEFORE_UPGRADE, age_in_words, to_keep

Made = tuple[datetime, str]


def _keep(backups: list[Made]) -> set[Made]:
    return to_keep(backups, lambda b: b[0], lambda b: b[1])


def test_the_newest_of_each_of_the_last_seven_days_is_kept() -> None:
    start = datetime(2026, 11, 2, 8, 0)
    backups = [(start + timedelta(days=d, hours=h), "sign-out") for d in range(7) for h in (0, 8)]
    kept = _keep(backups)
    assert kept == {(start + timedelta(days=d, hours=8), "sign-out") for d in range(7)}


def test_a_summer_holiday_does_not_empty_the_dailies() -> None:
    july = [(datetime(2026, 7, d, 16, 0), "sign-out") for d in range(6, 18)]
    september = [(datetime(2026, 9, 2, 16, 0), "sign-out")]
    kept = _keep(july + september)
    # the day back in September, and the six school days before the holiday
    assert sorted(kept)[-7:] == sorted([*july[-6:], *september])


def test_backups_before_an_upgrade_are_kept_three_deep() -> None:
    start = datetime(2025, 1, 1, 12, 0)
    upgrades = [(start + timedelta(days=3 * i), BEFORE_UPGRADE) for i in range(5)]
    dailies = [(start + timedelta(days=20 + d), "daily") for d in range(40)]
    kept = _keep(upgrades + dailies)
    assert set(upgrades[-3:]) <= kept


@given(
    st.lists(
        st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 1, 1)),
        min_size=1,
        max_size=80,
        unique=True,
    )
)
def test_the_newest_is_always_kept_and_at_most_23_are(times: list[datetime]) -> None:
    backups = [(t, "daily") for t in times]
    kept = _keep(backups)
    assert max(backups) in kept
    assert len(kept) <= 7 + 4 + 12
    assert len({t.date() for t, _ in kept}) == len(kept)  # never two from one day


def test_ages_in_words() -> None:
    now = datetime(2026, 11, 23, 9, 0)
    assert age_in_words(now - timedelta(hours=2), now) == "today"
    assert age_in_words(now - timedelta(days=1), now) == "yesterday"
    assert age_in_words(now - timedelta(days=9), now) == "9 days ago"

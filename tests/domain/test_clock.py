"""The clock a session reads the time from."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from esafety_desktop.domain.clock import SettableClock, SystemClock


def test_the_system_clock_tells_the_time_in_utc() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)


def test_a_settable_clock_follows_the_system_until_set_and_stands_still_after() -> None:
    clock = SettableClock()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    clock.set(datetime(2025, 3, 4, 10, 0, tzinfo=timezone(timedelta(hours=1))))
    assert clock.now() == datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    assert clock.utc_now() == datetime(2025, 3, 4, 9, 0)  # as rows keep time
    assert clock.now() == clock.now()
    clock.set(None)
    assert clock.now().year == datetime.now(UTC).year


def test_at_stands_still_inside_the_block_only_and_nests() -> None:
    clock = SettableClock(datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
    with clock.at(datetime(2024, 10, 8, 15, 30, tzinfo=UTC)):
        assert clock.today() == datetime(2024, 10, 8, 15, 30, tzinfo=UTC).astimezone().date()
        with clock.at(datetime(2024, 11, 4, 15, 30, tzinfo=UTC)):
            assert clock.utc_now() == datetime(2024, 11, 4, 15, 30)
        assert clock.utc_now() == datetime(2024, 10, 8, 15, 30)
    assert clock.utc_now() == datetime(2026, 1, 5, 12, 0)
    assert clock.local_now() == datetime(2026, 1, 5, 12, 0, tzinfo=UTC).astimezone().replace(
        tzinfo=None
    )
    assert isinstance(clock.today(), date)


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="no timezone"):
        SettableClock(datetime(2025, 3, 4, 10, 0))

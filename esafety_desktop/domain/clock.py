"""The one way the app reads the time: a signed-in session is given a clock and every service
asks it. The system clock in use; a settable one in tests and while the demo school's invented
cases are written on their own past days.

Domain functions never read a clock: they take the date or time they need. The audit log never
reads a session's clock either: its entries say when they were really written.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime


class Clock(ABC):
    @abstractmethod
    def now(self) -> datetime:
        """The time now, in UTC (timezone-aware)."""

    def utc_now(self) -> datetime:
        """The time now in UTC without its zone: how record rows keep time."""
        return self.now().replace(tzinfo=None)

    def local_now(self) -> datetime:
        """The time now on this PC's wall clock, without its zone: what a printout shows."""
        return self.now().astimezone().replace(tzinfo=None)

    def today(self) -> date:
        """The date today on this PC's calendar."""
        return self.now().astimezone().date()


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class SettableClock(Clock):
    """Follows the system clock until it is set, then stands at the time it was set to."""

    def __init__(self, when: datetime | None = None) -> None:
        self._system = SystemClock()
        self._when: datetime | None = None
        self.set(when)

    def now(self) -> datetime:
        return self._when if self._when is not None else self._system.now()

    def set(self, when: datetime | None) -> None:
        """Stand at ``when`` (timezone-aware); ``None`` follows the system clock again."""
        if when is not None and when.tzinfo is None:
            raise ValueError(f"{when} has no timezone: a clock cannot tell what moment it is")
        self._when = None if when is None else when.astimezone(UTC)

    @contextmanager
    def at(self, when: datetime) -> Iterator[None]:
        """Stand at ``when`` inside the block, then go back to what the clock did before."""
        before = self._when
        self.set(when)
        try:
            yield
        finally:
            self._when = before

"""Reading the demo school's files (``resources/demo/*.toml``): each value is taken by the kind
it must be, and a key nobody reads is refused, so a typo is named with its file and place
instead of being skipped."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from esafety_desktop.paths import resources_dir


class DemoDataError(ValueError):
    """A demo file does not fit; the message names the file and the place in it."""


def demo_folder() -> Path:
    return resources_dir() / "demo"


def read_file(path: Path) -> Fields:
    try:
        with path.open("rb") as file:
            raw = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DemoDataError(f"{path.name}: {exc}") from None
    return Fields(raw, path.name)


def at_local(day: date, at: time) -> datetime:
    """The moment a file's day and time of day (this PC's local time) stand for."""
    return datetime.combine(day, at).astimezone()


_KIND_NAMES = {
    str: "text",
    int: "a whole number",
    bool: "true or false",
    dict: "a table",
    list: "a list",
    date: "a date",
    datetime: "a date and time",
}


class Fields:
    """One table of a demo file, read key by key; :meth:`done` refuses the keys left over."""

    def __init__(self, raw: dict[str, Any], where: str) -> None:
        self._raw = raw
        self._read: set[str] = set()
        self.where = where

    def problem(self, text: str) -> DemoDataError:
        return DemoDataError(f"{self.where}: {text}")

    def has(self, key: str) -> bool:
        return key in self._raw

    def names(self) -> list[str]:
        """The keys of the table, in the file's order."""
        return list(self._raw)

    def text(self, key: str, default: str | None = None) -> str:
        return str(self._value(key, str, default))

    def number(self, key: str, default: int | None = None) -> int:
        return int(self._value(key, int, default))

    def flag(self, key: str, default: bool = False) -> bool:
        return bool(self._value(key, bool, default))

    def share(self, key: str) -> float:
        value = self._value(key, (int, float), None)
        if not 0 <= value <= 1:
            raise self.problem(f"{key} should be between 0 and 1, not {value!r}")
        return float(value)

    def day(self, key: str) -> date:
        value = self._value(key, date, None)
        if isinstance(value, datetime):
            raise self.problem(f"{key} should be a date (2025-09-01), not a date and time")
        return value  # type: ignore[no-any-return]

    def moment(self, key: str) -> datetime:
        """A local date and time (2024-10-08T09:10:00)."""
        value = self._value(key, datetime, None)
        if value.tzinfo is not None:
            raise self.problem(f"{key} should be a local time, without a time zone")
        return value  # type: ignore[no-any-return]

    def texts(self, key: str) -> list[str]:
        values = self._value(key, list, None)
        if not all(isinstance(v, str) for v in values):
            raise self.problem(f"{key} should be a list of text")
        return [str(v) for v in values]

    def numbers(self, key: str) -> list[int]:
        values = self._value(key, list, None)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise self.problem(f"{key} should be a list of whole numbers")
        return [int(v) for v in values]

    def table(self, key: str) -> Fields:
        return Fields(self._value(key, dict, None), f"{self.where}, {key}")

    def tables(self, key: str, name: str | None = None) -> list[Fields]:
        """An array of tables (``[[key]]``), each named for messages "<name> <number>"."""
        values = self._value(key, list, [])
        if not all(isinstance(v, dict) for v in values):
            raise self.problem(f"{key} should be a list of tables")
        return [
            Fields(v, f"{self.where}, {name or key} {n}") for n, v in enumerate(values, start=1)
        ]

    def done(self) -> None:
        left = [key for key in self._raw if key not in self._read]
        if left:
            raise self.problem(f"unknown key {left[0]!r}")

    def _value(self, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        self._read.add(key)
        if key not in self._raw:
            if default is None:
                raise self.problem(f"{key} is missing")
            return default
        value = self._raw[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            wanted = _KIND_NAMES.get(kind, "a number") if isinstance(kind, type) else "a number"
            raise self.problem(f"{key} should be {wanted}, not {value!r}")
        return value

"""The grid of responses to pupils' misuse of school systems (C1 to C4).

The app suggests the response for a pupil's first or a later incident in a category, from their
earlier incidents; the DSL decides, and the choice is recorded with the incident.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

_KEYS = {"code", "examples", "first", "second"}


class MisuseGridError(ValueError):
    """The grid file is not usable; the message says what to fix."""


@dataclass(frozen=True)
class MisuseCategory:
    code: str
    examples: tuple[str, ...]
    first: tuple[str, ...]
    second: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    category: str
    earlier_incidents: int
    which: str  # "first" or "second"
    responses: tuple[str, ...]

    def sentence(self) -> str:
        if self.which == "first":
            return f"First {self.category} incident for this pupil: the grid suggests"
        n = self.earlier_incidents
        return (
            f"This pupil has {n} earlier {self.category} incident{'s' if n != 1 else ''}: the "
            "grid suggests the second-incident response"
        )


def load_misuse_grid(text: str) -> dict[str, MisuseCategory]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MisuseGridError(f"The misuse grid is not valid TOML: {exc}.") from None
    grid: dict[str, MisuseCategory] = {}
    for number, entry in enumerate(raw.get("category", []), start=1):
        unknown = sorted(set(entry) - _KEYS)
        if unknown:
            raise MisuseGridError(f"Category {number} has an unknown key {unknown[0]!r}.")
        code = str(entry.get("code", "")).strip()
        if not code or code in grid:
            raise MisuseGridError(f"Category {number} needs a code of its own (like C1).")
        parts = {
            key: tuple(str(x) for x in entry.get(key, []))
            for key in ("examples", "first", "second")
        }
        if not parts["first"] or not parts["second"]:
            raise MisuseGridError(f"Category {code} needs first and second responses.")
        grid[code] = MisuseCategory(code, parts["examples"], parts["first"], parts["second"])
    if not grid:
        raise MisuseGridError("The misuse grid has no categories.")
    return grid


def suggest(grid: dict[str, MisuseCategory], category: str, earlier_incidents: int) -> Suggestion:
    """The response for a pupil with ``earlier_incidents`` earlier incidents in ``category``."""
    chosen = grid[category]
    if earlier_incidents <= 0:
        return Suggestion(category, 0, "first", chosen.first)
    return Suggestion(category, earlier_incidents, "second", chosen.second)

"""Acceptable Use Agreements: who must sign what, and when, and whether a person is covered.

The policies say who signs (staff and volunteers, pupils, parents and carers, visitors and
community users) and when (on entry, every school year, on receipt of a staff laptop, and when a
new version takes effect). This module turns that into one answer for any person on any day:
covered, or not and why, and since when the signature has been outstanding. Pure Python.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from esafety_desktop.domain.school_year import DEFAULT_START, YEAR_ORDER, school_year_containing


class Audience(StrEnum):
    STAFF = "staff"
    YOUNGER_PUPILS = "younger_pupils"
    OLDER_PUPILS = "older_pupils"
    PARENTS = "parents"
    VISITORS = "visitors"

    @property
    def label(self) -> str:
        return _AUDIENCE_LABELS[self]


_AUDIENCE_LABELS = {
    Audience.STAFF: "Staff and volunteers",
    Audience.YOUNGER_PUPILS: "Pupils in younger years",
    Audience.OLDER_PUPILS: "Older pupils",
    Audience.PARENTS: "Parents and carers",
    Audience.VISITORS: "Visitors and community users",
}

# Nursery to Year 2 sign the younger pupils' agreement (pictures and simple rules).
YOUNGEST_OLDER_YEAR = "3"


def audience_of(kind: str, year_group: str | None) -> Audience | None:
    """Which agreement a person signs: by the kind of person, and for pupils by year group."""
    if kind == "staff":
        return Audience.STAFF
    if kind == "parent":
        return Audience.PARENTS
    if kind == "visitor":
        return Audience.VISITORS
    if kind == "pupil":
        if year_group in YEAR_ORDER and YEAR_ORDER.index(year_group) < YEAR_ORDER.index(
            YOUNGEST_OLDER_YEAR
        ):
            return Audience.YOUNGER_PUPILS
        return Audience.OLDER_PUPILS
    return None


class HowSigned(StrEnum):
    PAPER = "paper"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return {"paper": "Paper form returned", "in_person": "Signed in person"}[self.value]


@dataclass(frozen=True)
class RenewalRule:
    """When an audience must sign again. Every rule also asks for a signature on entry."""

    every_school_year: bool
    on_new_laptop: bool = False
    on_new_version: bool = True
    parent_countersigns: bool = False  # pupils: a parent or carer signs the pupil's form too


# From the policies: staff sign on induction, on receipt of a laptop and yearly when the
# agreements are discussed; pupils and parents on entry and each year; visitors before use.
DEFAULT_RULES = {
    Audience.STAFF: RenewalRule(every_school_year=True, on_new_laptop=True),
    Audience.YOUNGER_PUPILS: RenewalRule(every_school_year=True, parent_countersigns=True),
    Audience.OLDER_PUPILS: RenewalRule(every_school_year=True),
    Audience.PARENTS: RenewalRule(every_school_year=True),
    Audience.VISITORS: RenewalRule(every_school_year=False),
}


@dataclass(frozen=True)
class Version:
    id: int
    audience: Audience
    label: str
    effective_from: date


@dataclass(frozen=True)
class Signed:
    version_id: int
    signed_on: date
    laptop: str | None = None  # the staff laptop asset tag it was signed for
    parent_signed: bool = False


@dataclass(frozen=True)
class PersonFacts:
    kind: str
    year_group: str | None
    start_date: date | None
    leaving_date: date | None
    laptop: str | None = None  # staff laptop asset tag now


@dataclass(frozen=True)
class Coverage:
    covered: bool
    reason: str  # why covered, or what is missing, in the user's words
    needed: Version | None  # the version to sign (None: nothing to sign)
    outstanding_since: date | None = None  # when the signature fell due, if not covered
    applies: bool = True  # False: nothing to sign (left, not started, no agreement issued)

    def days_overdue(self, today: date) -> int:
        if self.covered or self.outstanding_since is None:
            return 0
        return max((today - self.outstanding_since).days, 0)


def version_in_force(versions: list[Version], audience: Audience, day: date) -> Version | None:
    """The newest version of the audience's agreement that has taken effect by ``day``."""
    current = [v for v in versions if v.audience is audience and v.effective_from <= day]
    return max(current, key=lambda v: (v.effective_from, v.id), default=None)


def coverage(
    person: PersonFacts,
    versions: list[Version],
    signatures: list[Signed],
    day: date,
    rules: dict[Audience, RenewalRule] | None = None,
    year_start: tuple[int, int] = DEFAULT_START,
) -> Coverage:
    """Is this person covered by an Acceptable Use Agreement on ``day``, and if not, why not?"""
    audience = audience_of(person.kind, person.year_group)
    if audience is None:
        return Coverage(True, "Does not sign an agreement.", None, applies=False)
    if person.leaving_date is not None and person.leaving_date <= day:
        return Coverage(True, "Has left: no agreement needed.", None, applies=False)
    if person.start_date is not None and person.start_date > day:
        return Coverage(True, "Has not started yet.", None, applies=False)
    version = version_in_force(versions, audience, day)
    if version is None:
        return Coverage(
            True, f"No agreement issued for {audience.label.lower()}.", None, applies=False
        )
    rule = (rules or DEFAULT_RULES)[audience]
    by_id = {v.id: v for v in versions}
    own = sorted(
        (
            s
            for s in signatures
            if s.version_id in by_id and by_id[s.version_id].audience is audience
        ),
        key=lambda s: s.signed_on,
    )
    # The day from which a signature counts, and why.
    due_from = person.start_date or version.effective_from
    why = "Has not signed since starting."
    year = school_year_containing(day, year_start)
    if rule.every_school_year and year.start >= due_from:
        due_from, why = year.start, f"Not signed this school year ({year.label})."
    if rule.on_new_version and version.effective_from > due_from:
        due_from, why = version.effective_from, f"Version {version.label} took effect."
    valid = [s for s in own if s.signed_on >= due_from and s.signed_on <= day]
    if rule.on_new_version:
        valid = [s for s in valid if s.version_id == version.id]
    if not own:
        return Coverage(False, "Never signed.", version, max(due_from, version.effective_from))
    if not valid:
        last = own[-1]
        return Coverage(
            False,
            f"{why} Last signed {last.signed_on:%d/%m/%Y} ({by_id[last.version_id].label}).",
            version,
            due_from,
        )
    latest = valid[-1]
    if rule.on_new_laptop and person.laptop and latest.laptop != person.laptop:
        return Coverage(
            False,
            f"Has a new laptop ({person.laptop}) since signing on {latest.signed_on:%d/%m/%Y}.",
            version,
            latest.signed_on,
        )
    if rule.parent_countersigns and not latest.parent_signed:
        return Coverage(
            False,
            f"Signed {latest.signed_on:%d/%m/%Y} without a parent or carer's signature.",
            version,
            latest.signed_on,
        )
    label = by_id[latest.version_id].label
    return Coverage(True, f"Signed {latest.signed_on:%d/%m/%Y} ({label}).", version)


def content_hash(content: bytes) -> str:
    """The SHA-256 that identifies exactly what was agreed to."""
    return hashlib.sha256(content).hexdigest()

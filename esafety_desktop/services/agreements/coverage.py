"""The register: who is covered by a signed agreement on a given day, the counts per group,
who is outstanding, and who IT may let log on.

The rules live in ``domain.aup``; this module loads what they need, with the school's
settings (the day the year starts, whose forms a parent signs too)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from esafety_desktop.domain.aup import (
    DEFAULT_RULES,
    Audience,
    Coverage,
    PersonFacts,
    RenewalRule,
    Signed,
    audience_of,
    coverage,
)
from esafety_desktop.domain.people import display_name
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.agreements._common import _versions
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.settings import parents_sign, school_year_start
from esafety_desktop.storage.models import AupSignature, Person


@dataclass(frozen=True)
class PersonCoverage:
    person_id: int
    name: str
    kind: str
    audience: Audience
    year_group: str | None
    class_name: str | None
    laptop: str | None
    coverage: Coverage


@open_to_every_role("the school's rules, no record")
def renewal_rules(signed_in: SignedIn) -> dict[Audience, RenewalRule]:
    """The policies' rules, with the school's choice of whose forms a parent signs too."""
    from dataclasses import replace

    choice = parents_sign(signed_in)
    rules = dict(DEFAULT_RULES)
    rules[Audience.YOUNGER_PUPILS] = replace(
        rules[Audience.YOUNGER_PUPILS], parent_countersigns=choice in ("younger", "all")
    )
    rules[Audience.OLDER_PUPILS] = replace(
        rules[Audience.OLDER_PUPILS], parent_countersigns=choice == "all"
    )
    return rules


@open_to_every_role("every role reads the agreements register")
def register(signed_in: SignedIn) -> list[PersonCoverage]:
    """Everyone who signs an agreement, on roll today, with their coverage."""
    day = signed_in.clock.today()
    start = school_year_start(signed_in)
    rules = renewal_rules(signed_in)
    with signed_in.database.reading() as session:
        versions = [v.facts for v in _versions(session)]
        signatures = _current_signatures(session)
        people = list(
            session.scalars(
                select(Person)
                .where(Person.in_register.is_(True))
                .order_by(Person.surname, Person.forename)
            )
        )
        facts = [_facts(p) for p in people]
    found = []
    for person_id, name, class_name, person in facts:
        audience = audience_of(person.kind, person.year_group)
        result = coverage(person, versions, signatures.get(person_id, []), day, rules, start)
        if audience is None or not result.applies:
            continue  # left, not started, or no agreement issued for their group
        found.append(
            PersonCoverage(
                person_id=person_id,
                name=name,
                kind=person.kind,
                audience=audience,
                year_group=person.year_group,
                class_name=class_name,
                laptop=person.laptop,
                coverage=result,
            )
        )
    return found


def _facts(p: Person) -> tuple[int, str, str | None, PersonFacts]:
    """What the rules need of a person, read while the session is open."""
    return (
        p.id,
        display_name(p.forename, p.surname, p.preferred_name),
        p.class_name,
        PersonFacts(p.kind, p.year_group, p.start_date, p.leaving_date, p.laptop_asset_tag),
    )


@open_to_every_role("every role reads the agreements register")
def person_coverage(signed_in: SignedIn, person_id: int) -> Coverage:
    day = signed_in.clock.today()
    with signed_in.database.reading() as session:
        p = session.get(Person, person_id)
        if p is None:
            raise InvalidInput("That person is not in the register.")
        facts = _facts(p)[3]
        versions = [v.facts for v in _versions(session)]
        signatures = _current_signatures(session, person_id)
    return coverage(
        facts,
        versions,
        signatures.get(person_id, []),
        day,
        renewal_rules(signed_in),
        school_year_start(signed_in),
    )


@dataclass(frozen=True)
class CoverageCount:
    group: str  # "Staff and volunteers", "Class 4B", "Year 4"…
    signed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.signed / self.total) if self.total else 100


def coverage_counts(rows: list[PersonCoverage]) -> list[CoverageCount]:
    """Counts and percentages per audience, then per year group and class for pupils."""
    from esafety_desktop.domain.mis_import import YEAR_GROUP_LABELS
    from esafety_desktop.domain.school_year import YEAR_ORDER

    groups: Counter[str] = Counter()
    signed: Counter[str] = Counter()
    order: dict[str, tuple[int, int, str]] = {}
    for row in rows:
        keys = [(row.audience.label, (list(Audience).index(row.audience), 0, ""))]
        if row.kind == "pupil" and row.year_group:
            rank = YEAR_ORDER.index(row.year_group) if row.year_group in YEAR_ORDER else 99
            label = YEAR_GROUP_LABELS.get(row.year_group, row.year_group)
            keys.append((f"  {label}", (5, rank, "")))
            if row.class_name:
                keys.append((f"    Class {row.class_name}", (5, rank, row.class_name)))
        for key, rank_key in keys:
            groups[key] += 1
            signed[key] += row.coverage.covered
            order[key] = rank_key
    return [CoverageCount(k, signed[k], groups[k]) for k in sorted(groups, key=order.__getitem__)]


@open_to_every_role("every role reads who is cleared to log on")
def cleared_for_access(signed_in: SignedIn) -> list[PersonCoverage]:
    """Staff, pupils and visitors whose agreement is in order: who IT may let log on."""
    return [
        r
        for r in register(signed_in)
        if r.kind in ("staff", "pupil", "visitor") and r.coverage.covered
    ]


def place(row: PersonCoverage) -> str:
    """Where a person belongs, as the register shows it: "Class 4B", "Staff and volunteers"."""
    if row.kind == "pupil" and row.class_name:
        return f"Class {row.class_name}"
    return row.audience.label


def _current_signatures(session: Session, person_id: int | None = None) -> dict[int, list[Signed]]:
    """Each person's signatures as they now stand: corrected rows replaced, withdrawn ones out."""
    query = select(AupSignature).order_by(AupSignature.id)
    if person_id is not None:
        query = query.where(AupSignature.person_id == person_id)
    rows = list(session.scalars(query))
    replaced = {r.replaces_id for r in rows if r.replaces_id is not None}
    found: dict[int, list[Signed]] = {}
    for r in rows:
        if r.id in replaced or r.withdrawn:
            continue
        found.setdefault(r.person_id, []).append(
            Signed(r.version_id, r.signed_on, r.laptop, r.parent_signed)
        )
    return found

"""The Acceptable Use Agreement rules: who is covered on a given day, and why not."""

from __future__ import annotations

from datetime import date

import pytest

from esafety_desktop.domain.aup import (
    Audience,
    PersonFacts,
    Signed,
    Version,
    audience_of,
    coverage,
)

STAFF_V1 = Version(1, Audience.STAFF, "2025/26", date(2025, 9, 1))
STAFF_V2 = Version(2, Audience.STAFF, "2026 update", date(2026, 1, 5))
PUPIL_V1 = Version(3, Audience.OLDER_PUPILS, "2025/26", date(2025, 9, 1))
YOUNGER_V1 = Version(4, Audience.YOUNGER_PUPILS, "2025/26", date(2025, 9, 1))
VERSIONS = [STAFF_V1, STAFF_V2, PUPIL_V1, YOUNGER_V1]

PUPIL = PersonFacts("pupil", "5", date(2021, 9, 3), None)
TEACHER = PersonFacts("staff", None, date(2019, 9, 1), None, laptop="OAK-LT-001")


@pytest.mark.parametrize(
    ("kind", "year", "audience"),
    [
        ("pupil", "R", Audience.YOUNGER_PUPILS),
        ("pupil", "2", Audience.YOUNGER_PUPILS),
        ("pupil", "3", Audience.OLDER_PUPILS),
        ("pupil", None, Audience.OLDER_PUPILS),
        ("staff", None, Audience.STAFF),
        ("parent", None, Audience.PARENTS),
        ("visitor", None, Audience.VISITORS),
    ],
)
def test_each_person_signs_their_audiences_agreement(
    kind: str, year: str | None, audience: Audience
) -> None:
    assert audience_of(kind, year) is audience


def test_a_signature_lapses_when_the_new_school_year_begins() -> None:
    signed = [Signed(PUPIL_V1.id, date(2025, 9, 10))]
    on_31_august = coverage(PUPIL, VERSIONS, signed, date(2026, 8, 31))
    assert on_31_august.covered and on_31_august.reason == "Signed 10/09/2025 (2025/26)."
    on_1_september = coverage(PUPIL, VERSIONS, signed, date(2026, 9, 1))
    assert not on_1_september.covered
    assert on_1_september.reason.startswith("Not signed this school year (2026/27).")
    assert on_1_september.outstanding_since == date(2026, 9, 1)
    assert on_1_september.days_overdue(date(2026, 9, 15)) == 14


def test_a_new_version_needs_signing_again_from_the_day_it_takes_effect() -> None:
    signed = [Signed(STAFF_V1.id, date(2025, 9, 2), laptop="OAK-LT-001")]
    assert coverage(TEACHER, VERSIONS, signed, date(2026, 1, 4)).covered
    after = coverage(TEACHER, VERSIONS, signed, date(2026, 1, 5))
    assert not after.covered and after.needed == STAFF_V2
    assert after.reason.startswith("Version 2026 update took effect.")
    again = [*signed, Signed(STAFF_V2.id, date(2026, 1, 6), laptop="OAK-LT-001")]
    assert coverage(TEACHER, VERSIONS, again, date(2026, 1, 6)).covered


def test_a_new_laptop_needs_signing_again() -> None:
    signed = [Signed(STAFF_V2.id, date(2026, 1, 6), laptop="OAK-LT-001")]
    swapped = PersonFacts("staff", None, date(2019, 9, 1), None, laptop="OAK-LT-044")
    result = coverage(swapped, VERSIONS, signed, date(2026, 2, 1))
    assert not result.covered
    assert result.reason == "Has a new laptop (OAK-LT-044) since signing on 06/01/2026."


def test_a_leaver_needs_nothing_and_a_new_starter_owes_it_from_their_first_day() -> None:
    leaver = PersonFacts("pupil", "6", date(2019, 9, 3), date(2026, 7, 21))
    assert coverage(leaver, VERSIONS, [], date(2026, 7, 22)).reason == (
        "Has left: no agreement needed."
    )
    assert not coverage(leaver, VERSIONS, [], date(2026, 7, 20)).covered
    starter = PersonFacts("pupil", "4", date(2026, 2, 23), None)
    assert coverage(starter, VERSIONS, [], date(2026, 2, 20)).reason == "Has not started yet."
    owed = coverage(starter, VERSIONS, [], date(2026, 3, 2))
    assert (owed.covered, owed.reason, owed.outstanding_since) == (
        False,
        "Never signed.",
        date(2026, 2, 23),
    )


def test_younger_pupils_need_a_parent_or_carer_to_sign_too() -> None:
    child = PersonFacts("pupil", "1", date(2024, 9, 3), None)
    alone = [Signed(YOUNGER_V1.id, date(2025, 9, 12))]
    assert not coverage(child, VERSIONS, alone, date(2025, 10, 1)).covered
    both = [Signed(YOUNGER_V1.id, date(2025, 9, 12), parent_signed=True)]
    assert coverage(child, VERSIONS, both, date(2025, 10, 1)).covered


def test_no_agreement_issued_means_nothing_to_sign() -> None:
    visitor = PersonFacts("visitor", None, None, None)
    result = coverage(visitor, VERSIONS, [], date(2026, 1, 1))
    assert result.covered and result.needed is None

"""The demo school's Acceptable Use Agreements: versions for two school years, a staff update
part-way through this one, and a realistic mix of signed, lapsed and missing signatures.
Everything is invented."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from esafety_desktop.domain.aup import Audience, HowSigned

if TYPE_CHECKING:
    from esafety_desktop.services.access import SignedIn

LAST_YEAR = ("2025/26", date(2025, 9, 1))
THIS_YEAR = ("2026/27", date(2026, 9, 1))
STAFF_UPDATE = ("2026/27 (AI tools)", date(2026, 11, 2))
STAFF_UPDATE_TEXT = (
    "\n\n11. I will not put personal information about pupils, families or staff into "
    "artificial intelligence (AI) tools, chatbots or translation sites, and I will use only the "
    "AI tools the school has approved."
)

# Share of each group whose form came back, this school year and last.
RETURNED = {"pupil": (0.93, 0.8), "parent": (0.85, 0.62), "staff": (1.0, 1.0)}


def add_demo_agreements(me: SignedIn) -> None:
    from esafety_desktop.domain.people import PersonKind
    from esafety_desktop.services import agreements, people
    from esafety_desktop.services.access import pretending_it_is

    for label, start in (LAST_YEAR, THIS_YEAR):
        with pretending_it_is(_utc(start, 8)):
            agreements.issue_starter_agreements(me, start, label)
    staff_text = agreements.starter_text(Audience.STAFF) + STAFF_UPDATE_TEXT
    with pretending_it_is(_utc(STAFF_UPDATE[1], 8)):
        agreements.add_version(me, Audience.STAFF, *STAFF_UPDATE, staff_text)

    chance = random.Random(26)
    everyone = [r for r in people.list_people(me) if r.kind is not PersonKind.VISITOR]

    def batch(rows: list[people.PersonRow], day: date, parent_signed: bool = False) -> None:
        on_roll = [
            r.id
            for r in rows
            if (r.leaving_date is None or r.leaving_date > day)
            and (r.kind is not PersonKind.PUPIL or r.year_group is not None)
        ]
        if on_roll:
            with pretending_it_is(_utc(day, 15)):
                agreements.record_signatures(
                    me, on_roll, day, HowSigned.PAPER, parent_signed=parent_signed
                )

    for last, (_label, start) in ((True, LAST_YEAR), (False, THIS_YEAR)):
        # Last year's pupils are this year's a year younger (Reception had not started).
        young = YOUNG_LAST_YEAR if last else YOUNG
        for kind in ("pupil", "parent", "staff"):
            this_share, last_share = RETURNED[kind]
            group = [r for r in everyone if r.kind.value == kind]
            if last:
                group = [r for r in group if r.year_group != "R"]
            returned = [r for r in group if chance.random() < (last_share if last else this_share)]
            # Forms come back over the first fortnight.
            by_day: dict[date, list[people.PersonRow]] = {}
            for row in returned:
                offset = chance.choice((2, 3, 4, 7, 8, 9, 10, 11))
                by_day.setdefault(date.fromordinal(start.toordinal() + offset), []).append(row)
            for day, rows in sorted(by_day.items()):
                younger = [r for r in rows if r.kind is PersonKind.PUPIL and r.year_group in young]
                # A younger pupil's form has a parent's signature too, but for the odd one.
                forgot = younger[-1:] if len(younger) > 3 else []
                batch([r for r in younger if r not in forgot], day, parent_signed=True)
                batch(forgot, day)
                batch([r for r in rows if r not in younger], day)
    staff = [r for r in everyone if r.kind is PersonKind.STAFF]
    batch(staff[:6], date(2026, 11, 4))  # some have signed the update already
    # One of them has since been given a new laptop: they sign again for it.
    from dataclasses import replace

    with_laptop = next(
        r for r in staff[:6] if people.person_details(me, r.id).form.laptop_asset_tag
    )
    form = people.person_details(me, with_laptop.id).form
    people.update_person(me, with_laptop.id, replace(form, laptop_asset_tag="OAK-LT-031"))
    visitors = [r for r in people.list_people(me) if r.kind is PersonKind.VISITOR]
    batch(visitors[:2], date(2026, 9, 15))
    # A form recorded against the wrong pupil, withdrawn with the reason.
    pupils = [r for r in everyone if r.kind is PersonKind.PUPIL and r.leaving_date is None]
    signed = next((h for r in pupils for h in agreements.signature_history(me, r.id)[-1:]), None)
    if signed is not None:
        with pretending_it_is(_utc(date(2026, 9, 20), 10)):
            agreements.correct_signature(
                me, signed.id, "The form was another pupil's with the same surname", withdraw=True
            )


YOUNG = {"N", "R", "1", "2"}
YOUNG_LAST_YEAR = {"1", "2", "3"}  # their year groups now


def _utc(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0)).astimezone(UTC).replace(tzinfo=None)

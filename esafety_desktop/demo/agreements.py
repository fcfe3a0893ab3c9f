"""``resources/demo/agreements.toml``: the demo school's Acceptable Use Agreements, issued and
signed over two school years, recorded on the days it says."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from esafety_desktop.demo.files import Fields, at_local, read_file
from esafety_desktop.domain.aup import Audience, HowSigned
from esafety_desktop.domain.clock import SettableClock
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.services import agreements, people
from esafety_desktop.services.access import SignedIn

RETURNS_SEED = 26  # which forms came back is drawn the same every time
ISSUED_AT = time(8, 0)  # agreements are issued first thing on the day they take effect
FORMS_RECORDED_AT = time(15, 0)  # paper forms are recorded at the end of the day
GROUPS = (PersonKind.PUPIL, PersonKind.PARENT, PersonKind.STAFF)  # the order forms are drawn


@dataclass(frozen=True)
class SchoolYear:
    label: str
    starts: date
    returned: dict[PersonKind, float]  # the share of each group whose form came back
    countersigned: set[str]  # year groups (as they are now) whose forms a parent signs too
    not_started: set[str]  # year groups (as they are now) not yet at the school then


@dataclass(frozen=True)
class AgreementHistory:
    school_years: list[SchoolYear]  # oldest first: the last is this school year
    staff_update: tuple[str, date, str]  # label, takes effect, the paragraph added
    days_after_start: list[int]
    update_signed: tuple[int, date]  # how many staff (the first by surname), on
    new_laptop: str
    visitors_signed: tuple[int, date]  # how many visitors, on
    withdrawn: tuple[datetime, str]  # when (local), why


def read_agreements(path: Path) -> AgreementHistory:
    top = read_file(path)
    update = top.table("staff_update")
    signed = top.table("update_signed")
    laptop = top.table("new_laptop")
    visitors = top.table("visitors_signed")
    withdrawn = top.table("withdrawn")
    history = AgreementHistory(
        school_years=[_school_year(y) for y in top.tables("school_years", "school year")],
        staff_update=(update.text("label"), update.day("starts"), update.text("added_paragraph")),
        days_after_start=top.numbers("days_after_start"),
        update_signed=(signed.number("staff"), signed.day("on")),
        new_laptop=laptop.text("asset_tag"),
        visitors_signed=(visitors.number("visitors"), visitors.day("on")),
        withdrawn=(withdrawn.moment("at"), withdrawn.text("reason")),
    )
    for fields in (update, signed, laptop, visitors, withdrawn, top):
        fields.done()
    return history


def _school_year(fields: Fields) -> SchoolYear:
    returned = fields.table("returned")
    year = SchoolYear(
        label=fields.text("label"),
        starts=fields.day("starts"),
        returned={kind: returned.share(kind.value) for kind in GROUPS},
        countersigned=set(fields.texts("countersigned")),
        not_started=set(fields.texts("not_started")) if fields.has("not_started") else set(),
    )
    returned.done()
    fields.done()
    return year


def add_agreements(me: SignedIn, clock: SettableClock, history: AgreementHistory) -> None:
    """Issue the agreements, record the forms that came back, and what happened since."""
    for year in history.school_years:
        with clock.at(at_local(year.starts, ISSUED_AT)):
            agreements.issue_starter_agreements(me, year.starts, year.label)
    label, starts, paragraph = history.staff_update
    staff_text = agreements.starter_text(Audience.STAFF) + "\n\n" + paragraph
    with clock.at(at_local(starts, ISSUED_AT)):
        agreements.add_version(me, Audience.STAFF, label, starts, staff_text)

    chance = random.Random(RETURNS_SEED)
    everyone = [r for r in people.list_people(me) if r.kind is not PersonKind.VISITOR]

    def batch(rows: list[people.PersonRow], day: date, parent_signed: bool = False) -> None:
        on_roll = [
            r.id
            for r in rows
            if (r.leaving_date is None or r.leaving_date > day)
            and (r.kind is not PersonKind.PUPIL or r.year_group is not None)
        ]
        if on_roll:
            with clock.at(at_local(day, FORMS_RECORDED_AT)):
                agreements.record_signatures(
                    me, on_roll, day, HowSigned.PAPER, parent_signed=parent_signed
                )

    for year in history.school_years:
        for kind in GROUPS:
            group = [r for r in everyone if r.kind is kind and r.year_group not in year.not_started]
            returned = [r for r in group if chance.random() < year.returned[kind]]
            by_day: dict[date, list[people.PersonRow]] = {}
            for row in returned:
                offset = chance.choice(history.days_after_start)
                by_day.setdefault(year.starts + timedelta(days=offset), []).append(row)
            for day, rows in sorted(by_day.items()):
                younger = [
                    r
                    for r in rows
                    if r.kind is PersonKind.PUPIL and r.year_group in year.countersigned
                ]
                # A younger pupil's form has a parent's signature too, but for the odd one.
                forgot = younger[-1:] if len(younger) > 3 else []
                batch([r for r in younger if r not in forgot], day, parent_signed=True)
                batch(forgot, day)
                batch([r for r in rows if r not in younger], day)

    count, day = history.update_signed
    staff = [r for r in everyone if r.kind is PersonKind.STAFF]
    batch(staff[:count], day)
    # One of them has since been given a new laptop: they must sign again for it.
    with_laptop = next(
        r for r in staff[:count] if people.person_details(me, r.id).form.laptop_asset_tag
    )
    form = people.person_details(me, with_laptop.id).form
    people.update_person(me, with_laptop.id, replace(form, laptop_asset_tag=history.new_laptop))
    count, day = history.visitors_signed
    visitors = [r for r in people.list_people(me) if r.kind is PersonKind.VISITOR]
    batch(visitors[:count], day)
    # A form recorded against the wrong pupil, withdrawn with the reason.
    when, why = history.withdrawn
    pupils = [r for r in everyone if r.kind is PersonKind.PUPIL and r.leaving_date is None]
    signed = next((h for r in pupils for h in agreements.signature_history(me, r.id)[-1:]), None)
    if signed is not None:
        with clock.at(when.astimezone()):
            agreements.correct_signature(me, signed.id, why, withdraw=True)

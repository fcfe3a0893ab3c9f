"""The people register and the pupil import, against a real encrypted database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from esafety_desktop.domain.people import PersonKind
from esafety_desktop.domain.upn import make_upn
from esafety_desktop.errors import InvalidInput, NotAllowed
from esafety_desktop.services import people
from esafety_desktop.services.access import sign_in
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.services.people_import import apply_import, open_table, plan_import
from esafety_desktop.storage.device_secret import DeviceSecretStore
from tests.conftest import HEAD_PASSWORD, School, add_head

IMPORTED_AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # the session's clock for imports
CSV = Path(__file__).parent.parent / "domain" / "csv"


def _import(school: School, data: bytes, *, full_roll: bool = False, skip: set[int] | None = None):  # type: ignore[no-untyped-def]
    school.clock.set(IMPORTED_AT)
    table, mapping = open_table(data)
    plan = plan_import(school.signed_in, table, mapping, file_name="roll.csv", full_roll=full_roll)
    return plan, apply_import(school.signed_in, plan, skip_rows=skip or set())


def _roll(*pupils: tuple[str, str, int, str]) -> bytes:
    lines = ["UPN,Legal Surname,Legal Forename,DOB,Year,Reg Group"]
    for surname, forename, serial, year in pupils:
        lines.append(
            f"{make_upn(823, 4012, 19, serial)},{surname},{forename},01/03/2017,{year},{year}A"
        )
    return ("\n".join(lines) + "\n").encode()


def test_a_clean_export_imports_and_is_audited_once(school: School) -> None:
    plan, summary = _import(school, (CSV / "sims_like.csv").read_bytes())
    assert (plan.new, plan.updated, plan.unchanged) == (5, 0, 0)
    assert summary.sentence() == "Imported: 5 new pupils, 0 updated, 0 unchanged."
    rows = people.list_people(school.signed_in)
    assert [r.surname for r in rows] == [
        "Ashdown",
        "Brightwell",
        "Carrow",
        "Dunmore-Hale",
        "Everleigh",
    ]
    assert (
        next(r for r in rows if r.surname == "Brightwell").name
        == "Oliver Brightwell (known as Olly)"
    )
    entry = audit_entries(school.signed_in, action="people")[0]
    assert entry.details["new"] == 5 and entry.details["file"] == "roll.csv"


def test_importing_the_same_file_again_changes_nothing_and_never_duplicates(school: School) -> None:
    data = (CSV / "sims_like.csv").read_bytes()
    _import(school, data)
    _plan, summary = _import(school, data)
    assert (summary.new, summary.updated, summary.unchanged) == (0, 0, 5)
    assert len(people.list_people(school.signed_in)) == 5


def test_a_later_export_updates_pupils_matched_by_upn(school: School) -> None:
    _import(school, _roll(("Ash", "Amy", 1, "3"), ("Birch", "Ben", 2, "3")))
    _plan, summary = _import(school, _roll(("Ash-Jones", "Amy", 1, "4"), ("Birch", "Ben", 2, "3")))
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 1)
    amy = next(r for r in people.list_people(school.signed_in) if r.forename == "Amy")
    assert (amy.surname, amy.year_group, amy.class_name) == ("Ash-Jones", "4", "4A")


def test_a_full_roll_import_marks_missing_pupils_as_possible_leavers_for_the_dsl(
    school: School,
) -> None:
    _import(
        school, _roll(("Ash", "Amy", 1, "3"), ("Birch", "Ben", 2, "3"), ("Cole", "Cara", 3, "5"))
    )
    plan, summary = _import(school, _roll(("Ash", "Amy", 1, "3")), full_roll=True)
    assert plan.possible_leavers == ["Ben Birch", "Cara Cole"]
    assert summary.possible_leavers == 2
    rows = {r.forename: r for r in people.list_people(school.signed_in)}
    assert rows["Ben"].possible_leaver and not rows["Ben"].left
    from esafety_desktop.services.dashboard import Target, dashboard

    item = next(i for i in dashboard(school.signed_in).items if i.target is Target.POSSIBLE_LEAVERS)
    assert item.title == "2 possible leavers to confirm"
    people.mark_left(
        school.signed_in, rows["Ben"].id, date(2026, 11, 20), "Hillside Academy (invented)"
    )
    people.keep_on_roll(school.signed_in, rows["Cara"].id)
    rows = {r.forename: r for r in people.list_people(school.signed_in)}
    assert rows["Ben"].left and not rows["Ben"].possible_leaver
    assert not rows["Cara"].left and not rows["Cara"].possible_leaver
    details = people.person_details(school.signed_in, rows["Ben"].id)
    assert (details.leaving_date, details.destination) == (
        date(2026, 11, 20),
        "Hillside Academy (invented)",
    )


def test_nothing_is_imported_until_bad_rows_are_skipped_explicitly(school: School) -> None:
    data = _roll(("Ash", "Amy", 1, "3")) + b"X000,,Nobody,01/03/2017,3,3A\n"
    school.clock.set(IMPORTED_AT)
    table, mapping = open_table(data)
    plan = plan_import(school.signed_in, table, mapping, file_name="r.csv", full_roll=False)
    assert plan.rows_with_problems == [3]
    with pytest.raises(
        InvalidInput, match=r"1 row has a problem \(row 3\).*skip it. Nothing was imported"
    ):
        apply_import(school.signed_in, plan, skip_rows=set())
    assert people.list_people(school.signed_in) == []
    summary = apply_import(school.signed_in, plan, skip_rows={3})
    assert summary.skipped_rows == [3] and summary.new == 1


def test_a_upn_and_admission_number_of_two_different_pupils_is_a_row_problem(
    school: School,
) -> None:
    _import(
        school,
        b"UPN,Adno,Surname,Forename,DOB\n"
        + f"{make_upn(823, 4012, 19, 1)},A1,Ash,Amy,01/03/2017\n".encode()
        + f"{make_upn(823, 4012, 19, 2)},A2,Birch,Ben,01/03/2017\n".encode(),
    )
    table, mapping = open_table(
        b"UPN,Adno,Surname,Forename,DOB\n"
        + f"{make_upn(823, 4012, 19, 1)},A2,Ash,Amy,01/03/2017\n".encode()
    )
    plan = plan_import(school.signed_in, table, mapping, file_name="r.csv", full_roll=False)
    assert (
        "the UPN belongs to Amy Ash but the admission number to Ben Birch"
        in plan.problems[0].reason
    )


def test_a_known_admission_number_with_another_upn_is_not_merged(school: School) -> None:
    _import(
        school,
        b"UPN,Adno,Surname,Forename,DOB\n"
        + f"{make_upn(823, 4012, 19, 1)},A1,Ash,Amy,01/03/2017\n".encode(),
    )
    table, mapping = open_table(
        b"UPN,Adno,Surname,Forename,DOB\n"
        + f"{make_upn(823, 4012, 19, 5)},A1,Cole,Cara,01/03/2017\n".encode()
    )
    plan = plan_import(school.signed_in, table, mapping, file_name="r.csv", full_roll=False)
    assert plan.problems[0].reason == (
        "the admission number A1 belongs to Amy Ash, whose UPN is different"
    )


def test_people_are_added_edited_linked_and_never_deleted(school: School) -> None:
    me = school.signed_in
    pupil = people.add_person(
        me,
        people.PersonForm(
            PersonKind.PUPIL,
            "Amy",
            "Ash",
            date_of_birth=date(2017, 3, 1),
            year_group="Year 3",
            upn=make_upn(823, 4012, 19, 9),
        ),
    )
    parent = people.add_person(
        me, people.PersonForm(PersonKind.PARENT, "Dana", "Ash", phone="01632 960111")
    )
    people.link_parent(
        me, parent_id=parent, pupil_id=pupil, relationship="Mother", parental_responsibility=True
    )
    details = people.person_details(me, pupil)
    assert [(lp.name, lp.relationship, lp.parental_responsibility) for lp in details.links] == [
        ("Dana Ash", "Mother", True)
    ]
    form = details.form
    form.class_name = "3B"
    people.update_person(me, pupil, form)
    assert people.person_details(me, pupil).form.class_name == "3B"
    changed = audit_entries(me, action="person.changed")[0]
    assert changed.details == {"fields": ["class_name"]}
    assert "person.viewed" in {e.action for e in audit_entries(me)}
    with pytest.raises(InvalidInput, match="already belongs to Amy Ash"):
        people.add_person(
            me,
            people.PersonForm(
                PersonKind.PUPIL,
                "Bo",
                "Birch",
                date_of_birth=date(2017, 3, 1),
                upn=make_upn(823, 4012, 19, 9),
            ),
        )
    with pytest.raises(InvalidInput, match="forename and surname"):
        people.add_person(me, people.PersonForm(PersonKind.STAFF, "", "Birch"))
    with pytest.raises(Exception, match="never deleted"), me.database.transaction() as session:
        session.execute(text("DELETE FROM person WHERE id = :id"), {"id": pupil})


def test_a_headteacher_may_look_but_not_change(school: School) -> None:
    add_head(school)
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    with pytest.raises(NotAllowed, match="add, change or import people"):
        people.add_person(head, people.PersonForm(PersonKind.STAFF, "Kim", "Lowe"))
    assert people.list_people(head) == []
    head.sign_out()

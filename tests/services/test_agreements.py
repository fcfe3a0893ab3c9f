"""The Acceptable Use Agreement register with a real encrypted database."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from esafety_desktop.domain.aup import Audience, HowSigned
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.errors import InvalidInput, NotAllowed
from esafety_desktop.services import agreements, people
from esafety_desktop.services.access import sign_in
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.storage.device_secret import DeviceSecretStore
from tests.conftest import HEAD_PASSWORD, School, add_head

TODAY = date.today()


def _this_year_start() -> date:
    from esafety_desktop.domain.school_year import school_year_containing

    return school_year_containing(TODAY).start


def _class(school: School, names: list[str], year: str = "4") -> list[int]:
    return people.add_people(
        school.signed_in,
        [
            people.PersonForm(
                PersonKind.PUPIL,
                name,
                "Ash",
                date_of_birth=date(2016, 5, 1),
                year_group=year,
                class_name=f"{year}B",
                start_date=date(2022, 9, 5),
            )
            for name in names
        ],
    )


def _outstanding(school: School) -> list[str]:
    return sorted(r.name for r in agreements.register(school.signed_in) if not r.coverage.covered)


def test_a_class_returns_its_forms_and_the_outstanding_list_follows(school: School) -> None:
    agreements.issue_starter_agreements(school.signed_in, _this_year_start(), "This year")
    amy, ben, cat = _class(school, ["Amy", "Ben", "Cat"])
    assert _outstanding(school) == ["Amy Ash", "Ben Ash", "Cat Ash"]
    recorded = agreements.record_signatures(school.signed_in, [amy, cat], TODAY)
    assert recorded == 2
    assert _outstanding(school) == ["Ben Ash"]
    ben_now = next(r for r in agreements.register(school.signed_in) if r.person_id == ben)
    assert ben_now.coverage.reason == "Never signed."
    counts = {
        c.group.strip(): (c.signed, c.total)
        for c in agreements.coverage_counts(agreements.register(school.signed_in))
    }
    assert counts["Older pupils"] == (2, 3)
    assert counts["Class 4B"] == (2, 3)
    entry = next(e for e in audit_entries(school.signed_in) if e.action.startswith("agreement.sig"))
    assert entry.details == {"people": 2, "signed_on": TODAY.isoformat()}


def test_a_new_version_puts_everyone_back_on_the_list(school: School) -> None:
    start = _this_year_start()
    agreements.issue_starter_agreements(school.signed_in, start, "This year")
    (amy,) = _class(school, ["Amy"])
    agreements.record_signatures(school.signed_in, [amy], max(start, TODAY - timedelta(days=1)))
    assert _outstanding(school) == []
    agreements.add_version(
        school.signed_in, Audience.OLDER_PUPILS, "Updated", TODAY, "New rules about AI tools."
    )
    amy_now = agreements.person_coverage(school.signed_in, amy)
    assert not amy_now.covered and amy_now.reason.startswith("Version Updated took effect.")
    agreements.record_signatures(school.signed_in, [amy], TODAY)
    assert agreements.person_coverage(school.signed_in, amy).covered


def test_corrections_keep_the_original_and_a_withdrawal_uncovers(school: School) -> None:
    agreements.issue_starter_agreements(school.signed_in, _this_year_start(), "This year")
    (amy,) = _class(school, ["Amy"], year="1")  # younger pupils: a parent signs too
    agreements.record_signatures(school.signed_in, [amy], TODAY)
    assert "without a parent" in agreements.person_coverage(school.signed_in, amy).reason
    first = agreements.signature_history(school.signed_in, amy)[0]
    with pytest.raises(InvalidInput, match="Say why"):
        agreements.correct_signature(school.signed_in, first.id, " ", parent_signed=True)
    agreements.correct_signature(
        school.signed_in, first.id, "Mum's signature was on the back", parent_signed=True
    )
    assert agreements.person_coverage(school.signed_in, amy).covered
    history = agreements.signature_history(school.signed_in, amy)
    assert [(h.replaced, h.parent_signed) for h in history] == [(True, False), (False, True)]
    assert history[1].why == "Mum's signature was on the back"
    agreements.correct_signature(school.signed_in, history[1].id, "Wrong child", withdraw=True)
    assert agreements.person_coverage(school.signed_in, amy).reason == "Never signed."
    assert len(agreements.signature_history(school.signed_in, amy)) == 3


def test_bad_entries_are_refused_with_reasons(school: School) -> None:
    (amy,) = _class(school, ["Amy"])
    with pytest.raises(InvalidInput, match="no agreement for older pupils had taken effect"):
        agreements.record_signatures(school.signed_in, [amy], TODAY)
    agreements.issue_starter_agreements(school.signed_in, _this_year_start(), "This year")
    with pytest.raises(InvalidInput, match="in the future"):
        agreements.record_signatures(school.signed_in, [amy], TODAY + timedelta(days=1))
    with pytest.raises(InvalidInput, match="Tick at least one"):
        agreements.record_signatures(school.signed_in, [], TODAY)
    with pytest.raises(InvalidInput, match="already has This year"):
        agreements.add_version(
            school.signed_in, Audience.STAFF, "This year", TODAY, "Different words"
        )
    with pytest.raises(InvalidInput, match="not a PDF"):
        agreements.add_version(
            school.signed_in, Audience.STAFF, "Scan", TODAY, "", pdf=b"GIF89a", pdf_name="a.gif"
        )
    version = next(
        v for v in agreements.list_versions(school.signed_in) if v.audience is Audience.OLDER_PUPILS
    )
    agreements.change_version_text(school.signed_in, version.id, "Corrected wording.")
    agreements.record_signatures(school.signed_in, [amy], TODAY)
    with pytest.raises(InvalidInput, match="cannot change"):
        agreements.change_version_text(school.signed_in, version.id, "Other wording.")


def test_the_headteacher_reads_the_register_but_cannot_record(school: School) -> None:
    add_head(school)
    agreements.issue_starter_agreements(school.signed_in, _this_year_start(), "This year")
    (amy,) = _class(school, ["Amy"])
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    try:
        assert [r.name for r in agreements.register(head)] == ["Amy Ash"]
        with pytest.raises(NotAllowed):
            agreements.record_signatures(head, [amy], TODAY, HowSigned.IN_PERSON)
    finally:
        head.sign_out()


def test_it_gets_a_csv_of_who_may_log_on_and_the_export_is_audited(school: School) -> None:
    agreements.issue_starter_agreements(school.signed_in, _this_year_start(), "This year")
    amy, ben = _class(school, ["Amy", "=cmd|' /C calc'!A0"])
    staff = people.add_person(
        school.signed_in,
        people.PersonForm(
            PersonKind.STAFF,
            "Sam",
            "Teach",
            laptop_asset_tag="OAK-LT-009",
            start_date=date(2020, 9, 1),
        ),
    )
    agreements.record_signatures(school.signed_in, [amy, ben, staff], TODAY)
    rows = list(
        csv.reader(io.StringIO(agreements.cleared_csv(school.signed_in).decode("utf-8-sig")))
    )
    assert rows[0] == ["Name", "Type", "Year group", "Class", "Laptop", "Agreement"]
    names = sorted(r[0] for r in rows[1:])
    assert names == ["'=cmd|' /C calc'!A0 Ash", "Amy Ash", "Sam Teach"]
    assert any(r[4] == "OAK-LT-009" for r in rows[1:])
    assert "agreement.cleared_list_exported" in {e.action for e in audit_entries(school.signed_in)}
    # A new laptop means signing again before IT lets them on with it.
    form = people.person_details(school.signed_in, staff).form
    from dataclasses import replace

    people.update_person(school.signed_in, staff, replace(form, laptop_asset_tag="OAK-LT-044"))
    cleared = {r.name for r in agreements.cleared_for_access(school.signed_in)}
    assert "Sam Teach" not in cleared


def _pdf_pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_printed_class_forms_carry_each_pupils_name_parents_and_version(school: School) -> None:
    agreements.issue_starter_agreements(school.signed_in, _this_year_start(), "This year")
    amy, _ben = _class(school, ["Amy", "Ben"])
    _class(school, ["Cat"], year="1")
    people.add_people(
        school.signed_in,
        [people.PersonForm(PersonKind.PARENT, "Jo", "Ash", role="Mother")],
        [(0, amy, "Mother", True)],
    )
    pages = _pdf_pages(agreements.pupil_forms(school.signed_in, "4B"))
    assert len(pages) == 2
    assert "Amy Ash" in pages[0] and "Jo Ash" in pages[0] and "4B" in pages[0]
    assert "Ben Ash" in pages[1] and "(none recorded)" in pages[1]
    assert all("Older pupils · version This year" in page for page in pages)
    assert all("Acceptable Use Agreement for pupils" in p for p in pages)
    every = _pdf_pages(agreements.pupil_forms(school.signed_in))
    assert [("Cat Ash" in p, "Amy Ash" in p) for p in every][:2] == [(True, False), (False, True)]
    assert "Nursery to Year 2" in every[0]  # the younger pupils' agreement for Year 1
    with pytest.raises(InvalidInput, match="no pupils on roll"):
        agreements.pupil_forms(school.signed_in, "9Z")
    visitors = _pdf_pages(agreements.blank_forms(school.signed_in, Audience.VISITORS, copies=3))
    assert len(visitors) == 3 and "visitors and community users" in visitors[0].lower()


def test_the_printed_coverage_summary_counts_and_lists_who_is_outstanding(school: School) -> None:
    agreements.issue_starter_agreements(school.signed_in, _this_year_start(), "This year")
    amy, _ben, _cat = _class(school, ["Amy", "Ben", "Cat"])
    agreements.record_signatures(school.signed_in, [amy], TODAY)
    text = " ".join(" ".join(_pdf_pages(agreements.coverage_summary(school.signed_in))).split())
    assert "Older pupils 1 3 33%" in text
    assert "Class 4B 1 3 33%" in text
    assert "Outstanding (2)" in text
    assert "Ben Ash" in text and "Cat Ash" in text and "Never signed." in text
    assert "Amy Ash" not in text


def test_a_signature_row_can_be_neither_changed_nor_removed(school: School) -> None:
    from sqlalchemy import text

    agreements.issue_starter_agreements(school.signed_in, _this_year_start(), "This year")
    (amy,) = _class(school, ["Amy"])
    agreements.record_signatures(school.signed_in, [amy], TODAY)
    for statement, message in (
        ("UPDATE aup_signature SET signed_on = '2020-01-01'", "never changed"),
        ("DELETE FROM aup_signature", "never removed"),
    ):
        with pytest.raises(Exception, match=message), school.signed_in.database.transaction() as s:
            s.execute(text(statement))
    assert agreements.person_coverage(school.signed_in, amy).covered


def test_it_gets_a_printed_list_of_who_may_not_log_on_and_why(school: School) -> None:
    agreements.issue_starter_agreements(school.signed_in, _this_year_start(), "This year")
    amy, _ben = _class(school, ["Amy", "Ben"])
    agreements.record_signatures(school.signed_in, [amy], TODAY)
    may_not = " ".join(" ".join(_pdf_pages(agreements.not_cleared_list(school.signed_in))).split())
    assert "Not cleared for system access" in may_not
    assert "Ben Ash Pupil 4B Never signed." in may_not and "Amy Ash" not in may_not
    may = " ".join(" ".join(_pdf_pages(agreements.cleared_list(school.signed_in))).split())
    assert "Amy Ash Pupil 4B" in may and "Ben Ash" not in may


def test_the_school_chooses_whose_forms_a_parent_signs_too(school: School) -> None:
    agreements.issue_starter_agreements(school.signed_in, _this_year_start(), "This year")
    (older,) = _class(school, ["Amy"], year="5")
    (younger,) = _class(school, ["Ben"], year="1")
    agreements.record_signatures(school.signed_in, [older, younger], TODAY)
    assert agreements.parents_sign(school.signed_in) == "younger"
    covered = {r.name: r.coverage.covered for r in agreements.register(school.signed_in)}
    assert covered == {"Amy Ash": True, "Ben Ash": False}
    agreements.set_parents_sign(school.signed_in, "all")
    assert not agreements.person_coverage(school.signed_in, older).covered
    agreements.set_parents_sign(school.signed_in, "none")
    assert agreements.person_coverage(school.signed_in, younger).covered
    with pytest.raises(InvalidInput, match="Choose whose forms"):
        agreements.set_parents_sign(school.signed_in, "sometimes")
    assert "settings.aup_parents_sign" in {e.action for e in audit_entries(school.signed_in)}


def test_forms_that_go_home_follow_the_setting_print_names_and_carry_no_marking(
    school: School,
) -> None:
    """A Year 6 form has a parent's signature line only when the school asks for one; no form
    that goes home carries a protective marking or the agreement's fingerprint."""
    agreements.issue_starter_agreements(school.signed_in, _this_year_start(), "This year")
    pupils = [("Łucja", "Wiśniewska", "6"), ("Aylin", "Yılmaz", "6"), ("Gwenllïan", "Tŷ-Ŵyn", "1")]
    (lucja, _aylin, _gwen) = people.add_people(
        school.signed_in,
        [
            people.PersonForm(
                PersonKind.PUPIL,
                forename,
                surname,
                date_of_birth=date(2015, 5, 1),
                year_group=year,
                class_name=f"{year}W",
                start_date=date(2022, 9, 5),
            )
            for forename, surname, year in pupils
        ],
    )
    people.add_people(
        school.signed_in,
        [people.PersonForm(PersonKind.PARENT, "Gwenllïan", "Tŷ-Ŵyn", role="Mother")],
        [(0, lucja, "Mother", True)],
    )

    def forms(class_name: str) -> list[str]:
        return [
            " ".join(p.split())
            for p in _pdf_pages(agreements.pupil_forms(school.signed_in, class_name))
        ]

    assert agreements.parents_sign(school.signed_in) == "younger"  # Nursery to Year 2
    year_6, year_1 = forms("6W"), forms("1W")
    assert "Łucja Wiśniewska" in year_6[0] and "Gwenllïan Tŷ-Ŵyn" in year_6[0]
    assert "Aylin Yılmaz" in year_6[1] and "Gwenllïan Tŷ-Ŵyn" in year_1[0]
    assert all("Parent or carer" not in page for page in year_6)
    assert "Parent or carer" in year_1[0]
    for page in year_6 + year_1:
        assert "OFFICIAL" not in page and "SHA-256" not in page and "fingerprint" not in page
        assert "version This year" in page and "Page 1 of 1" in page
    agreements.set_parents_sign(school.signed_in, "all")
    assert all("Parent or carer" in page for page in forms("6W"))
    agreements.set_parents_sign(school.signed_in, "none")
    assert "Parent or carer" not in forms("1W")[0]
    # The lists for the school and IT keep their marking.
    assert "OFFICIAL-SENSITIVE" in _pdf_pages(agreements.coverage_summary(school.signed_in))[0]

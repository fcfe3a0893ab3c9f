"""Restricted cases in what is printed and handed on: the governors' report, the incident log,
a pupil's chronology and the headteacher's review pack show a restricted case only to the
accounts that hold its key, and a printout that leaves cases out says how many."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from esafety_desktop.domain.roles import Role
from esafety_desktop.domain.school_year import school_year_containing
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services import incidents, reports, review_packs, transfers
from esafety_desktop.services.access import SignedIn, sign_in
from esafety_desktop.services.accounts import add_account, list_accounts
from esafety_desktop.storage.device_secret import DeviceSecretStore
from tests.conftest import HEAD_PASSWORD, School, add_head
from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil

YEAR = school_year_containing(date(2026, 11, 20))  # the cases are reported on 20/11/2026
LEAD_PASSWORD = "Harbour-Thistle-Cobalt-58"
ABOUT_THE_HEAD = "Zanzibar-4471: an allegation about the headteacher's messages"
KEPT_FROM_THE_LEAD = "Quokka-5512: a concern kept from the online safety lead"


def _text(pdf: bytes) -> str:
    """The PDF's words, one space between each (a sentence may wrap across lines)."""
    return " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def _account_id(school: School, username: str) -> int:
    return next(a.id for a in list_accounts(school.signed_in) if a.username == username)


def _add_lead(school: School) -> None:
    """The DSL adds the online safety lead, Sam Lead (account s.lead)."""
    add_account(
        school.signed_in,
        username="s.lead",
        display_name="Sam Lead",
        role=Role.ONLINE_SAFETY_LEAD,
        password=LEAD_PASSWORD,
    )


def _case(school: School, pupil: int, summary: str, **extra: object) -> incidents.IncidentSummary:
    return incidents.record_incident(
        school.signed_in, _new(pupil, NUDES_REFERRED, summary=summary, **extra)
    )


def _head(school: School) -> SignedIn:
    return sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())


def test_the_dsl_s_reports_count_the_case_about_the_head_and_the_head_s_say_one_is_left_out(
    school: School,
) -> None:
    add_head(school)
    amy = _pupil(school)
    ordinary = _case(school, amy, "Amy was sent unkind messages in a group chat.")
    about_the_head = _case(
        school, amy, ABOUT_THE_HEAD, concerns_account_id=_account_id(school, "p.head")
    )
    assert (ordinary.reference, about_the_head.reference) == ("OS-2026-0001", "R-0001")
    reports.set_report_threshold(school.signed_in, 2)

    governors = _text(reports.governors_report(school.signed_in, YEAR))
    assert "Incidents recorded 2" in governors
    assert "restricted case" not in governors  # this account opens every case
    log = _text(reports.incident_log(school.signed_in, YEAR, names=True))
    assert "Cases reported from 01/09/2026 to 31/08/2027: 2." in log
    assert "OS-2026-0001" in log and "R-0001" in log
    assert "restricted case" not in log

    head = _head(school)
    try:
        governors = _text(reports.governors_report(head, YEAR))
        assert "Incidents recorded fewer than 2" in governors
        assert (
            "1 restricted case is left out of this report: this account cannot open it."
            in governors
        )
        log = _text(reports.incident_log(head, YEAR, names=True))
        assert "Cases reported from 01/09/2026 to 31/08/2027: 1." in log
        assert "OS-2026-0001" in log and "R-0001" not in log and "Zanzibar" not in log
        assert "1 restricted case is left out of this report: this account cannot open it." in log
    finally:
        head.sign_out()


def test_a_pupil_s_chronology_holds_the_restricted_cases_the_account_can_open(
    school: School,
) -> None:
    add_head(school)
    _add_lead(school)
    amy = _pupil(school)
    _case(school, amy, "Amy was sent unkind messages in a group chat.")
    _case(school, amy, ABOUT_THE_HEAD, concerns_account_id=_account_id(school, "p.head"))
    kept = _case(school, amy, KEPT_FROM_THE_LEAD, kept_from=(_account_id(school, "s.lead"),))
    assert kept.reference == "R-0002"

    mine = _text(transfers.child_chronology(school.signed_in, amy))
    for reference in ("OS-2026-0001", "R-0001", "R-0002"):
        assert reference in mine
    assert "Cases 3" in mine and "Quokka-5512" in mine
    assert "cannot open" not in mine

    lead = sign_in(school.path, "s.lead", LEAD_PASSWORD, DeviceSecretStore())
    try:
        theirs = _text(transfers.child_chronology(lead, amy))
    finally:
        lead.sign_out()
    assert "OS-2026-0001" in theirs and "R-0001" in theirs  # the lead holds the head's case
    assert "R-0002" not in theirs and "Quokka-5512" not in theirs
    assert "Cases 2" in theirs
    assert (
        "This account cannot open 1 restricted case; if it concerns this pupil it is not in "
        "this chronology." in theirs
    )


def test_a_review_pack_never_holds_a_case_kept_from_the_head(
    school: School, tmp_path: Path
) -> None:
    add_head(school)
    _add_lead(school)
    head_id, lead_id = _account_id(school, "p.head"), _account_id(school, "s.lead")
    amy = _pupil(school)
    _case(school, amy, "An ordinary concern about a group chat.")
    _case(school, amy, ABOUT_THE_HEAD, concerns_account_id=head_id)
    _case(
        school,
        amy,
        "Kestrel-2290: kept from the headteacher at the DSL's choice",
        kept_from=(head_id,),
    )
    shared = _case(school, amy, KEPT_FROM_THE_LEAD, kept_from=(lead_id,))
    assert shared.reference == "R-0003"

    # The export dialog offers only the cases the head may read, and counts the others.
    choice = review_packs.review_choice(school.signed_in)
    assert sorted(c.reference for c in choice.cases) == ["OS-2026-0001", "R-0003"]
    assert (choice.left_out, choice.restricted_left_out) == (1, 1)

    every = [c.id for c in incidents.list_incidents(school.signed_in)]  # hand-picked: all four
    exported = review_packs.export_review_pack(
        school.signed_in, every, "Pat Head", tmp_path / "review.esreview"
    )
    assert sorted(exported.references) == ["OS-2026-0001", "R-0003"]
    assert exported.left_out == ["R-0001"]
    assert "1 restricted case was left out" in exported.left_out_words()

    pack = review_packs.open_for_review(exported.path, exported.passphrase)
    try:
        summaries = " ".join(c.record["summary"] for c in pack.cases())
        assert "Zanzibar" not in summaries and "Kestrel" not in summaries
        assert "Quokka-5512" in summaries  # restricted, but not kept from the head
        pack.add(
            shared.id,
            review_packs.SIGNED_OFF,
            reviewer="Pat Head",
            text="Handled well.",
            signed_on=date(2026, 11, 24),
        )
    finally:
        pack.close()

    # The head's sign-off comes back into the restricted case's own chronology, once.
    returned = review_packs.read_returned_pack(school.signed_in, exported.path)
    assert review_packs.import_review(school.signed_in, returned).sentence() == (
        "Added R-0003: 1 × signed off."
    )
    titles = [e.title for e in incidents.chronology(school.signed_in, shared.id)]
    assert titles.count("Signed off by Pat Head on 24/11/2026") == 1
    again = review_packs.read_returned_pack(school.signed_in, exported.path)
    assert review_packs.import_review(school.signed_in, again).total == 0


def test_nothing_to_put_in_a_pack_says_why(school: School, tmp_path: Path) -> None:
    add_head(school)
    kept = _case(
        school,
        _pupil(school),
        "Kestrel-2290: kept from the headteacher",
        kept_from=(_account_id(school, "p.head"),),
    )
    with pytest.raises(InvalidInput, match="kept from the headteacher is never included"):
        review_packs.export_review_pack(
            school.signed_in, [kept.id], "Pat Head", tmp_path / "review.esreview"
        )
    assert not (tmp_path / "review.esreview").exists()

"""A leaving pupil's safeguarding chronology and the tracked hand-over of their file."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from esafety_desktop.domain.people import PersonKind
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services import incidents, people, transfers
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.services.dashboard import Target, dashboard
from tests.conftest import School
from tests.services.test_incidents import NUDES_REFERRED, _new


def _pupil(school: School) -> int:
    return people.add_person(
        school.signed_in,
        people.PersonForm(
            PersonKind.PUPIL,
            "Amy",
            "Ash",
            date_of_birth=date(2014, 3, 1),
            upn="A123456789012",
            year_group="6",
            class_name="6A",
        ),
    )


def test_the_chronology_lists_every_case_and_action_in_time_order(school: School) -> None:
    amy = _pupil(school)
    case = incidents.record_incident(school.signed_in, _new(amy, NUDES_REFERRED))
    incidents.add_action(school.signed_in, case.id, "Review with MASH", "Jo Bloggs", date.today())
    incidents.add_note(school.signed_in, case.id, "Spoke to the family.")
    pdf = transfers.child_chronology(school.signed_in, amy)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Safeguarding chronology: online safety" in text
    assert "Amy Ash" in text and "01/03/2014" in text and "A123456789012" in text
    assert "involved as target" in text
    assert "Reference: MASH-4471" in text
    assert "Action: Review with MASH" in text
    assert text.index("Is a child at immediate risk") < text.index("Spoke to the family.")
    assert "Not sent yet." in text
    assert "report.chronology_made" in {e.action for e in audit_entries(school.signed_in)}


def test_a_file_sent_and_not_confirmed_in_five_school_days_is_flagged(school: School) -> None:
    amy = _pupil(school)
    with pytest.raises(InvalidInput, match="which school"):
        transfers.record_transfer(school.signed_in, amy, " ", date.today(), "By hand")
    sent_on = date.today() - timedelta(days=14)
    transfer = transfers.record_transfer(
        school.signed_in, amy, "Anyshire Academy", sent_on, "Secure electronic transfer"
    )
    late = next(i for i in dashboard(school.signed_in).items if i.target is Target.TRANSFERS)
    assert late.title == "1 safeguarding file not confirmed received" and late.urgent
    assert "Amy Ash's file went to Anyshire Academy" in late.detail
    with pytest.raises(InvalidInput, match="between the date sent and today"):
        transfers.confirm_receipt(
            school.signed_in, transfer, sent_on - timedelta(days=1), "Ms Reed, DSL"
        )
    transfers.confirm_receipt(school.signed_in, transfer, date.today(), "Ms Reed, DSL")
    assert Target.TRANSFERS not in [i.target for i in dashboard(school.signed_in).items]
    with pytest.raises(InvalidInput, match="already been confirmed"):
        transfers.confirm_receipt(school.signed_in, transfer, date.today(), "Again")
    (record,) = transfers.transfers(school.signed_in, amy)
    assert (record.confirmed_by, record.recorded_by) == ("Ms Reed, DSL", "Jo Bloggs")
    pdf = transfers.child_chronology(school.signed_in, amy)
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[-1].extract_text().split())
    assert "Anyshire Academy" in text and "by Ms Reed, DSL" in text


def test_a_recent_transfer_is_not_flagged_yet(school: School) -> None:
    amy = _pupil(school)
    transfers.record_transfer(school.signed_in, amy, "Anyshire Academy", date.today(), "By hand")
    assert Target.TRANSFERS not in [i.target for i in dashboard(school.signed_in).items]

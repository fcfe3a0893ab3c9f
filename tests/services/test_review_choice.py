"""Which cases a review pack offers and ticks, and the actions the head sees in each record."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

from esafety_desktop.domain.incidents import IncidentStatus
from esafety_desktop.reports.incident_record import record_as_json, record_from_json
from esafety_desktop.services import incidents, review_packs
from tests.conftest import School, add_head
from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil
from tests.services.test_review_packs import _head_allegation

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def _case_on(school: School, when: datetime, summary: str, *, closed: bool = False) -> int:
    """A case recorded (and closed, if said) on that day, by the session's clock."""
    with school.clock.at(when):
        case = incidents.record_incident(
            school.signed_in,
            _new(
                _pupil(school),
                NUDES_REFERRED,
                summary=summary,
                reported_at=when.astimezone().replace(tzinfo=None),
            ),
        ).id
        if closed:
            incidents.change_status(
                school.signed_in,
                case,
                IncidentStatus.CLOSED,
                "All done.",
                incidents.Closing("Family supported.", True, "None.", False),
            )
    return case


def test_open_and_recent_cases_come_first_and_only_those_not_signed_off_are_ticked(
    school: School,
) -> None:
    add_head(school)
    old_closed = _case_on(school, NOW - timedelta(days=700), "Closed long ago", closed=True)
    recent_closed = _case_on(school, NOW - timedelta(days=30), "Closed last month", closed=True)
    older_open = _case_on(school, NOW - timedelta(days=200), "Open since the spring")
    signed_open = _case_on(school, NOW - timedelta(days=10), "Open, already signed off")
    newest_open = _case_on(school, NOW - timedelta(days=2), "Open, this week")
    with school.clock.at(NOW - timedelta(days=5)):
        incidents.sign_off(school.signed_in, signed_open, "Seen; handled well.")
    with school.clock.at(NOW - timedelta(days=1)):
        _head_allegation(school)
    school.clock.set(NOW)

    choice = review_packs.review_choice(school.signed_in)
    listed = [c.incident_id for c in choice.cases]
    # open cases first (the most recently changed first), then recent closed, then old closed
    assert listed == [newest_open, signed_open, older_open, recent_closed, old_closed]
    assert choice.left_out == 1 and choice.last_pack is None
    # the first pack ticks what is not signed off and open or changed in the last 90 days
    assert review_packs.cases_for_review(school.signed_in) == [
        newest_open,
        older_open,
        recent_closed,
    ]
    shown = {c.incident_id: c for c in choice.cases}
    assert shown[signed_open].reviewed.startswith("Signed off ")
    assert not shown[signed_open].needs_review
    assert shown[old_closed].reviewed == "Not yet" and shown[old_closed].needs_review
    assert shown[old_closed].status == "Closed" and shown[old_closed].closed
    assert shown[old_closed].last_changed.date() == (NOW - timedelta(days=700)).date()

    # changed after its sign-off, a case needs reviewing again
    with school.clock.at(NOW - timedelta(hours=1)):
        incidents.add_note(school.signed_in, signed_open, "The police called back.")
    again = {c.incident_id: c for c in review_packs.review_choice(school.signed_in).cases}
    assert again[signed_open].needs_review and again[signed_open].suggested
    assert again[signed_open].reviewed.endswith("; changed since")


def test_the_next_pack_ticks_what_the_last_left_unsigned_and_not_what_it_signed_off(
    school: School, tmp_path: Path
) -> None:
    add_head(school)
    signed = _case_on(school, NOW - timedelta(days=20), "Signed off by the head")
    old_closed = _case_on(school, NOW - timedelta(days=400), "Closed long ago", closed=True)
    untouched = _case_on(school, NOW - timedelta(days=700), "Sent, not reviewed", closed=True)
    school.clock.set(NOW)
    assert review_packs.cases_for_review(school.signed_in) == [signed]
    made = review_packs.export_review_pack(
        school.signed_in, [signed, untouched], "Pat Head", tmp_path / "p.esreview"
    )
    pack = review_packs.open_for_review(made.path, made.passphrase, school.clock)
    pack.add(signed, review_packs.SIGNED_OFF, reviewer="Pat Head", signed_on=NOW.date())
    pack.close()
    school.clock.set(NOW + timedelta(days=3))
    returned = review_packs.read_returned_pack(school.signed_in, made.path)
    review_packs.import_review(school.signed_in, returned)

    choice = review_packs.review_choice(school.signed_in)
    assert choice.last_pack is not None
    # the case sent but not signed off stays ticked; the one signed off, and the closed case
    # nobody sent, are not
    assert review_packs.cases_for_review(school.signed_in) == [untouched]
    assert old_closed in [c.incident_id for c in choice.cases]


def test_the_record_lists_each_action_with_its_owner_due_date_and_whether_it_is_overdue(
    school: School,
) -> None:
    case = _case_on(school, NOW - timedelta(days=10), "A case with actions")
    with school.clock.at(NOW - timedelta(days=9)):
        for title, owner, due in (
            ("Phone the parents", "Jo Bloggs", date(2026, 11, 20)),
            ("Check the filter logs", "Sam IT", date(2026, 12, 5)),
            ("Tell the class teacher", "Jo Bloggs", date(2026, 11, 18)),
        ):
            incidents.add_action(school.signed_in, case, title, owner, due)
    done = next(a for a in incidents.actions(school.signed_in, case) if a.title.startswith("Tell"))
    incidents.complete_action(school.signed_in, done.id, "Told.")
    school.clock.set(NOW)

    record = incidents.incident_record_data(school.signed_in, case)
    mine = [line for line in record.actions if not line.endswith("(a step of the flowchart)")]
    assert mine == [
        "Tell the class teacher: Jo Bloggs, due 18/11/2026 (done)",
        "Phone the parents: Jo Bloggs, due 20/11/2026 (OVERDUE)",
        "Check the filter logs: Sam IT, due 05/12/2026 (open)",
    ]
    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(incidents.incident_record(school.signed_in, case))).pages
    )
    flat = " ".join(text.split())
    assert flat.index("Actions") < flat.index("Chronology")
    assert "Phone the parents: Jo Bloggs, due 20/11/2026 (OVERDUE)" in flat
    # a pack made before the record had actions still opens: none are listed
    old = json.loads(record_as_json(record))
    del old["actions"]
    assert record_from_json(old, "Pat Head", NOW.replace(tzinfo=None)).actions == []

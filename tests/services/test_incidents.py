"""Recording a case from a walk through the flowchart, its chronology, corrections and drafts."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import text

from esafety_desktop.domain.incidents import Location, PersonRole, StepState, WalkStep
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services import incidents, people
from esafety_desktop.services.access import sign_in
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.storage.device_secret import DeviceSecretStore
from tests.conftest import HEAD_PASSWORD, School, add_head


def done(step_id: str, outcome: str, **extra: object) -> WalkStep:
    """An action step the DSL says is done (by Jo Bloggs unless ``done_by`` says otherwise)."""
    fields: dict[str, object] = {"done_by": "Jo Bloggs", "outcome": outcome, **extra}
    return WalkStep(step_id, state=StepState.DONE, **fields)  # type: ignore[arg-type]


# The flowchart's last steps, each said to be done with what came of it.
ENDING = [
    WalkStep("record"),
    done("debrief", "Debrief held with the deputy DSL and the class teacher."),
    done("review_policies", "Policies reviewed; no change needed."),
    done("implement_changes", "Staff briefing given on the procedure."),
    WalkStep("monitor"),
]


def _pupil(school: School) -> int:
    return people.add_person(
        school.signed_in,
        people.PersonForm(PersonKind.PUPIL, "Amy", "Ash", date_of_birth=date(2014, 3, 1)),
    )


def _new(person: int, walk: list[WalkStep], **extra: object) -> incidents.NewIncident:
    fields: dict[str, object] = {
        "reported_by": "Kim Lowe (class teacher)",
        "reported_at": datetime(2026, 11, 20, 9, 15),
        "summary": "Amy said an older boy online asked her for photos.",
        "child_words": "He said I had to or he would tell everyone.",
        "location": Location.ONLINE,
        "people": [(person, PersonRole.TARGET)],
        "walk": walk,
    }
    return incidents.NewIncident(**{**fields, **extra})  # type: ignore[arg-type]


NUDES_REFERRED = [
    WalkStep("report"),
    WalkStep("immediate_risk", choice="No", reasons="Amy is safe in school with her teacher."),
    WalkStep(
        "incident_type",
        choice="Nudes or semi-nudes shared by children",
        reasons="Imagery requested",
    ),
    WalkStep("nudes_do_not_view"),
    done("nudes_review_meeting", "Met with the deputy DSL"),
    WalkStep(
        "nudes_referral", choice="Yes: refer now", reasons="An adult may be involved (coercion)."
    ),
    done("nudes_refer", "Referral accepted", references=(("mash", "MASH-4471"),)),
    WalkStep("nudes_parents", choice="Yes", reasons="Parents are supportive; no risk in telling."),
    *ENDING,
]

# A cyberbullying case, where a screenshot may be kept as evidence.
BULLYING = [
    *NUDES_REFERRED[:2],
    WalkStep("incident_type", choice="Cyberbullying", reasons="Unkind messages"),
    done("bullying_evidence", "Screenshots kept; both families spoken to."),
    done("strategy_meeting", "Anti-bullying plan agreed."),
    WalkStep("device_review_needed", choice="No", reasons="Not needed"),
    *ENDING,
]


def test_a_nudes_case_with_an_immediate_referral_is_recorded_with_its_chronology(
    school: School,
) -> None:
    amy = _pupil(school)
    case = incidents.record_incident(school.signed_in, _new(amy, NUDES_REFERRED))
    assert case.reference == "OS-2026-0001"
    assert (case.incident_type, case.branch) == ("nudes", "illegal")
    entries = incidents.chronology(school.signed_in, case.id)
    assert [e.title for e in entries][:3] == [
        "A concern has been reported to the DSL",
        "Is a child at immediate risk of harm?",
        "What is the concern about?",
    ]
    referral = next(e for e in entries if e.reference == "MASH-4471")
    assert (referral.done_by, referral.author) == ("Jo Bloggs", "Jo Bloggs")
    assert {"incident.created", "incident.viewed"} <= {
        e.action for e in audit_entries(school.signed_in)
    }
    assert incidents.list_incidents(school.signed_in)[0].summary.startswith("Amy said")


def test_a_walk_that_leaves_the_flowchart_or_skips_reasons_is_refused(school: School) -> None:
    amy = _pupil(school)
    skipping = [NUDES_REFERRED[0], NUDES_REFERRED[1], NUDES_REFERRED[3], *NUDES_REFERRED[4:]]
    with pytest.raises(InvalidInput, match="goes to 'incident_type' next"):
        incidents.record_incident(school.signed_in, _new(amy, skipping))
    no_reason = list(NUDES_REFERRED)
    no_reason[5] = WalkStep("nudes_referral", choice="Yes: refer now")
    with pytest.raises(InvalidInput, match="write down the reasons"):
        incidents.record_incident(school.signed_in, _new(amy, no_reason))
    # A case may stop anywhere once it says what the concern is about, never before.
    before_the_concern = NUDES_REFERRED[:2]
    with pytest.raises(InvalidInput, match="Answer “What is the concern about\\?” before saving"):
        incidents.record_incident(school.signed_in, _new(amy, before_the_concern))
    undecided = [*NUDES_REFERRED[:4], WalkStep("nudes_review_meeting")]
    with pytest.raises(InvalidInput, match="say whether it is done, to do or not needed"):
        incidents.record_incident(school.signed_in, _new(amy, undecided))
    assert incidents.list_incidents(school.signed_in) == []
    unfinished = NUDES_REFERRED[:6]  # stops after "refer now": the referral is carried on later
    case = incidents.record_incident(school.signed_in, _new(amy, unfinished))
    plan = incidents.case_plan(school.signed_in, case.id)
    assert plan.next_step is not None and plan.next_step.id == "nudes_refer"
    assert [p.step.id for p in plan.path] == [w.step_id for w in unfinished]


# A case about the headteacher: routed to the chair of governors and the LADO.
ABOUT_THE_HEAD = [
    WalkStep("report"),
    WalkStep("immediate_risk", choice="No", reasons="No child at risk now."),
    WalkStep(
        "incident_type",
        choice="A member of staff or volunteer misusing technology",
        reasons="About staff",
    ),
    WalkStep(
        "staff_about_head",
        choice="Yes: the headteacher",
        reasons="Messages came from the head's account.",
    ),
    done("head_to_chair", "Chair and LADO told", references=(("lado", "LADO-88"),)),
    WalkStep(
        "staff_illegal",
        choice="No: disciplinary procedure or code of conduct",
        reasons="Not illegal on the facts so far.",
    ),
    done("strategy_meeting", "Chair and LADO agreed the next steps."),
    WalkStep("device_review_needed", choice="No", reasons="Messages already preserved."),
    *ENDING,
]


@pytest.mark.parametrize("chosen_by_the_dsl", [True, False])
def test_an_allegation_about_the_headteacher_is_hidden_from_the_head(
    school: School, chosen_by_the_dsl: bool
) -> None:
    """Routing to the chair of governors hides the case from the head's account even when
    nobody picked that account."""
    from esafety_desktop.services.accounts import list_accounts

    add_head(school)
    head_account = next(a.id for a in list_accounts(school.signed_in) if a.username == "p.head")
    amy = _pupil(school)
    walk = ABOUT_THE_HEAD
    chosen = head_account if chosen_by_the_dsl else None
    case = incidents.record_incident(school.signed_in, _new(amy, walk, concerns_account_id=chosen))
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    assert incidents.list_incidents(head) == []
    assert incidents.open_case_count(head) == {}
    with pytest.raises(InvalidInput, match="does not exist"):
        incidents.chronology(head, case.id)  # sealed: the head's keys cannot open it
    head.sign_out()
    assert case.reference == "R-0001"  # restricted cases have their own series
    own = _new(amy, walk, concerns_account_id=school.signed_in.account.id)
    with pytest.raises(InvalidInput, match="recorded by someone else"):
        incidents.record_incident(school.signed_in, own)
    assert [c.reference for c in incidents.list_incidents(school.signed_in)] == [case.reference]


def test_a_correction_keeps_the_original_and_says_who_and_why(school: School) -> None:
    case = incidents.record_incident(school.signed_in, _new(_pupil(school), NUDES_REFERRED))
    original = next(e for e in incidents.chronology(school.signed_in, case.id) if e.reference)
    incidents.correct_entry(
        school.signed_in, original.id, "Reference is MASH-4417", "Digits swapped"
    )
    entries = incidents.chronology(school.signed_in, case.id)
    kept = next(e for e in entries if e.id == original.id)
    correction = entries[-1]
    assert kept.reference == "MASH-4471" and kept.corrected_by == [correction.id]
    assert (correction.corrects, correction.reasons, correction.author) == (
        original.id,
        "Digits swapped",
        "Jo Bloggs",
    )
    with (
        pytest.raises(Exception, match="never changed"),
        school.signed_in.database.transaction() as session,
    ):
        session.execute(text("UPDATE incident_entry SET text = 'x'"))


def test_drafts_are_kept_per_account_until_discarded(school: School) -> None:
    me = school.signed_in
    draft = incidents.save_draft(
        me, None, "Amy: photos requested", {"page": 3, "summary": "Amy said"}
    )
    assert incidents.save_draft(me, draft, "Amy: photos requested", {"page": 4}) == draft
    assert [d.label for d in incidents.my_drafts(me)] == ["Amy: photos requested"]
    assert incidents.load_draft(me, draft) == {"page": 4}
    incidents.discard_draft(me, draft)
    assert incidents.my_drafts(me) == []


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_nudes_cases_refuse_any_image_and_the_refusal_is_audited(school: School) -> None:
    from esafety_desktop.domain.evidence import EvidenceKind

    case = incidents.record_incident(school.signed_in, _new(_pupil(school), NUDES_REFERRED))
    for kind, name in (
        (EvidenceKind.SCREENSHOT, "shot.png"),
        (EvidenceKind.DESCRIPTION, "notes.txt"),
    ):
        with pytest.raises(InvalidInput, match="No image can be kept for nudes"):
            incidents.add_evidence(
                school.signed_in,
                case.id,
                kind,
                "What the phone showed",
                file_name=name,
                content=PNG,
            )
    assert incidents.evidence_for(school.signed_in, case.id) == []
    assert "evidence.image_refused" in {e.action for e in audit_entries(school.signed_in)}
    incidents.add_evidence(
        school.signed_in,
        case.id,
        EvidenceKind.DEVICE,
        "Amy's phone, switched off",
        held_where="School safe",
        held_by="Jo Bloggs",
    )
    held = incidents.evidence_for(school.signed_in, case.id)[0]
    assert (held.held_where, held.held_by, held.sha256) == ("School safe", "Jo Bloggs", None)


def test_a_bullying_screenshot_is_kept_encrypted_with_its_hash(school: School) -> None:
    import hashlib

    from esafety_desktop.domain.evidence import EvidenceKind

    walk = BULLYING
    case = incidents.record_incident(school.signed_in, _new(_pupil(school), walk))
    incidents.add_evidence(
        school.signed_in,
        case.id,
        EvidenceKind.SCREENSHOT,
        "Group chat, 14 Jan",
        file_name="chat.png",
        content=PNG,
    )
    kept = incidents.evidence_for(school.signed_in, case.id)[0]
    assert kept.sha256 == hashlib.sha256(PNG).hexdigest()
    entry = incidents.chronology(school.signed_in, case.id)[-1]
    assert entry.title == "Evidence: Screenshot" and kept.sha256 in entry.text
    with pytest.raises(InvalidInput, match="where the device is kept"):
        incidents.add_evidence(school.signed_in, case.id, EvidenceKind.DEVICE, "A laptop")


def test_the_printed_record_keeps_each_closing_answer_on_its_own_line(school: School) -> None:
    import io

    from pypdf import PdfReader

    from esafety_desktop.domain.incidents import IncidentStatus

    case = incidents.record_incident(school.signed_in, _new(_pupil(school), NUDES_REFERRED))
    incidents.change_status(
        school.signed_in,
        case.id,
        IncidentStatus.CLOSED,
        "All actions complete.",
        incidents.Closing("Referral accepted; family supported.", True, "Act sooner.", False),
    )
    pdf = PdfReader(io.BytesIO(incidents.incident_record(school.signed_in, case.id)))
    lines = [line.strip() for page in pdf.pages for line in page.extract_text().splitlines()]
    for expected in (
        "Outcome: Referral accepted; family supported.",
        "Debrief held: yes",
        "Lessons learned: Act sooner.",
        "Policy review needed: no",
    ):
        assert expected in lines

"""The flowchart as a case's living plan (issue 15): a case is recorded on the day with only what
has happened, each action step done, to do or not needed; the rest is carried on over the
following days (on the session's clock) until the case can close. Nothing is ever stored as
done unless the DSL said so."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from esafety_desktop.domain.incidents import (
    IncidentStatus,
    Location,
    PersonRole,
    StepState,
    WalkStep,
)
from esafety_desktop.domain.people import CasePersonKind, Newcomer, PersonKind
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services import incidents, people
from esafety_desktop.services.audit_log import audit_entries
from tests.conftest import School

DAY_ONE = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # the Friday the concern is reported
LATER = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # the Wednesday after
CEOP_DUE = date(2026, 11, 21)
GROOMING = "Sexual abuse, exploitation or grooming online (including criminal exploitation)"
FILTERING = "Filtering breach (a blocked site reached, or harmful content seen)"
STILL_WAITING = "Still waiting for the police"

TRIAGE = [
    WalkStep("report"),
    WalkStep("immediate_risk", choice="No", reasons="Mia is safe in school with her teacher."),
]


def _local(when: datetime) -> datetime:
    """A moment as this PC's wall clock shows it (how the services take and give times)."""
    return when.astimezone().replace(tzinfo=None)


def _year_5_pupil(school: School) -> int:
    return people.add_person(
        school.signed_in,
        people.PersonForm(
            PersonKind.PUPIL,
            "Mia",
            "Fairweather",
            date_of_birth=date(2016, 10, 12),
            year_group="5",
            class_name="5K",
        ),
    )


ONLINE_ADULT = Newcomer(
    CasePersonKind.ONLINE,
    description="Says he is a boy of 14; writes like an adult.",
    online_identities="sk8rboi_14\nroblox.com/users/99119911/profile",
    platform="Roblox",
    approximate_age="Adult (30s?)",
)

GROOMING_WALK = [
    *TRIAGE,
    WalkStep("incident_type", choice=GROOMING, reasons="Asked for a photo; an adult is likely."),
    WalkStep(
        "exploitation_ceop", state=StepState.TO_DO, owner="Jo Bloggs", due=CEOP_DUE
    ),  # not made yet: the DSL will make the report tomorrow
    WalkStep(
        "exploitation_police",
        state=StepState.DONE,
        done_by="Jo Bloggs",
        outcome="Rang 101; the police and MASH will visit the family.",
        references=(("police_crime", "CR/2026/55501"), ("mash", "MASH-2207")),
    ),
    WalkStep("police_outcome", choice=STILL_WAITING, reasons="Officer visiting on Monday."),
]


def _grooming(school: School, walk: list[WalkStep] | None = None) -> incidents.IncidentSummary:
    school.clock.set(DAY_ONE)
    mia = _year_5_pupil(school)
    return incidents.record_incident(
        school.signed_in,
        incidents.NewIncident(
            reported_by="Kim Lowe (class teacher)",
            reported_at=_local(DAY_ONE - timedelta(minutes=45)),
            summary="Mia said an older boy online asked her for a photo.",
            child_words="He said he was 14 and I was his girlfriend.",
            location=Location.ONLINE,
            online_service="Roblox",
            people=[(mia, PersonRole.TARGET)],
            newcomers=[(ONLINE_ADULT, PersonRole.ALLEGED_PERPETRATOR)],
            walk=GROOMING_WALK if walk is None else walk,
        ),
    )


def test_the_grooming_case_is_recorded_with_only_what_has_happened(school: School) -> None:
    me = school.signed_in
    case = _grooming(school)
    assert (case.incident_type, case.branch) == ("exploitation", "illegal")
    assert case.status is IncidentStatus.AWAITING_POLICE
    # Mia (in Year 5) and the online adult, who is on the case but not on the register.
    mia, adult = case.involved
    assert (mia.name, mia.year_group, mia.roles) == (
        "Mia Fairweather",
        "5",
        (PersonRole.TARGET,),
    )
    assert adult.name == "Unknown person (sk8rboi_14)"
    assert adult.roles == (PersonRole.ALLEGED_PERPETRATOR,)
    assert [p.name for p in people.list_people(me)] == ["Mia Fairweather"]
    printed = incidents.incident_record_data(me, case.id)
    detail = next(p.detail for p in printed.people if p.name == adult.name)
    for known in ("Unknown or online person", "on Roblox", "age: Adult (30s?)", "sk8rboi_14"):
        assert known in detail

    # The CEOP report is one of the case's actions, outstanding on the plan.
    (ceop,) = incidents.actions(me, case.id)
    assert (ceop.step_id, ceop.owner, ceop.due, ceop.done) == (
        "exploitation_ceop",
        "Jo Bloggs",
        CEOP_DUE,
        False,
    )
    assert ceop.title == "Report to CEOP"
    with pytest.raises(InvalidInput, match="is a step of the flowchart"):
        incidents.complete_action(me, ceop.id, "Made the report")
    plan = incidents.case_plan(me, case.id)
    assert [p.step.id for p in plan.outstanding] == ["exploitation_ceop"]
    assert [p.state for p in plan.outstanding] == [StepState.TO_DO]
    assert plan.next_step is not None and plan.next_step.id == "police_outcome"
    assert plan.waiting_for == "police"
    assert plan.where().startswith("Waiting for the police's response")
    assert plan.can_take("police_outcome") and plan.can_take("exploitation_ceop")
    assert not plan.can_take("exploitation_police") and not plan.can_take("debrief")

    # The chronology says which steps are done and which are to do, with both references.
    entries = {e.title: e for e in incidents.chronology(me, case.id)}
    to_do = entries["Report to CEOP"]
    assert (to_do.state, to_do.done_by, to_do.owner, to_do.due) == (
        StepState.TO_DO,
        "",
        "Jo Bloggs",
        CEOP_DUE,
    )
    assert to_do.lines() == ["To do: Jo Bloggs, by 21/11/2026"]
    police = entries["Report to the police and children's social care"]
    assert police.state is StepState.DONE and police.happened_at is None  # done as recorded
    assert police.references == (("police_crime", "CR/2026/55501"), ("mash", "MASH-2207"))
    assert police.lines() == [
        "Done by Jo Bloggs",
        "Outcome: Rang 101; the police and MASH will visit the family.",
        "Police crime reference: CR/2026/55501",
        "Children's social care / MASH reference: MASH-2207",
    ]
    assert entries["What did the police conclude?"].choice == STILL_WAITING
    for later in ("Debrief on the incident", "Record the details in the incident log"):
        assert later not in entries


def test_the_case_is_carried_on_over_the_following_days_and_then_closes(school: School) -> None:
    me = school.signed_in
    case = _grooming(school)
    school.clock.set(LATER)
    (ceop,) = incidents.actions(me, case.id, open_only=True)
    assert ceop.overdue(me.clock.today())  # the Dashboard counts it like any action

    # The CEOP report was made on Monday afternoon and is recorded on Wednesday.
    made = _local(LATER) - timedelta(days=1, hours=21, minutes=30)
    plan = incidents.carry_on(
        me,
        case.id,
        WalkStep(
            "exploitation_ceop",
            state=StepState.DONE,
            done_by="Jo Bloggs",
            done_at=made,
            outcome="Report made on CEOP's online form.",
            references=(("ceop", "CEOP-778812"),),
        ),
    )
    assert plan.outstanding == [] and plan.waiting_for == "police"
    assert incidents.actions(me, case.id, open_only=True) == []
    assert [a.done for a in incidents.actions(me, case.id)] == [True]
    entry = incidents.chronology(me, case.id)[-1]
    assert (entry.title, entry.state, entry.happened_at) == ("Report to CEOP", StepState.DONE, made)
    assert entry.recorded_at == _local(LATER)
    assert f"Done by Jo Bloggs on {made:%d/%m/%Y at %H:%M}" in entry.lines()
    assert "CEOP report reference: CEOP-778812" in entry.lines()
    assert incidents.incident_summary(me, case.id).status is IncidentStatus.AWAITING_POLICE  # type: ignore[union-attr]

    # The police's answer comes: the case goes down the branch it takes.
    plan = incidents.carry_on(
        me,
        case.id,
        WalkStep(
            "police_outcome",
            choice="No illegal activity confirmed",
            reasons="Officer's email of 25/11: no offence identified; advice given.",
        ),
    )
    assert plan.next_step is not None and plan.next_step.id == "internal_procedures"
    assert plan.waiting_for is None
    summary = incidents.incident_summary(me, case.id)
    assert summary is not None and summary.status is IncidentStatus.OPEN
    moved = incidents.chronology(me, case.id)[-1]
    assert moved.title == "Status: Awaiting police → Open"
    assert moved.reasons.startswith("From the flowchart: Next: Revert to the school's internal")

    incidents.carry_on(
        me,
        case.id,
        WalkStep(
            "internal_procedures",
            state=StepState.DONE,
            done_by="Jo Bloggs",
            outcome="Online safety sessions for Mia's class; parents met.",
        ),
    )
    summary = incidents.incident_summary(me, case.id)
    assert summary is not None and summary.status is IncidentStatus.INTERNAL

    # It cannot close before the flowchart is finished…
    closing = incidents.Closing("Police found no offence; Mia supported.", True, "None.", False)
    with pytest.raises(InvalidInput, match="The flowchart is not finished: Next: Record the"):
        incidents.change_status(me, case.id, IncidentStatus.CLOSED, "Finished.", closing)
    incidents.carry_on(me, case.id, WalkStep("record"))
    for step_id in ("debrief", "review_policies", "implement_changes"):
        plan = incidents.carry_on(
            me,
            case.id,
            WalkStep(step_id, state=StepState.TO_DO, owner="Jo Bloggs", due=date(2026, 12, 4)),
        )
    # Past the last action the case is monitored: the flowchart is finished.
    assert plan.reached_end and plan.next_step is None
    assert [p.step.id for p in plan.outstanding] == [
        "debrief",
        "review_policies",
        "implement_changes",
    ]
    # …nor while its last steps are still to do, each named.
    with pytest.raises(InvalidInput, match="cannot close yet") as refused:
        incidents.change_status(me, case.id, IncidentStatus.CLOSED, "Finished.", closing)
    for title in ("Debrief on the incident", "Review policies", "Implement changes"):
        assert title in str(refused.value)
    assert len(incidents.actions(me, case.id, open_only=True)) == 3

    incidents.carry_on(
        me,
        case.id,
        WalkStep(
            "debrief",
            state=StepState.DONE,
            done_by="Jo Bloggs",
            outcome="Debrief with Kim Lowe and the deputy DSL.",
        ),
    )
    incidents.carry_on(
        me,
        case.id,
        WalkStep(
            "review_policies",
            state=StepState.DONE,
            done_by="Sam Deputy",
            outcome="Online safety policy 11.3 read again; no change.",
        ),
    )
    plan = incidents.carry_on(
        me,
        case.id,
        WalkStep(
            "implement_changes",
            state=StepState.NOT_NEEDED,
            reasons="The review found nothing to change.",
        ),
    )
    assert plan.outstanding == [] and plan.closing_problem() is None
    assert incidents.actions(me, case.id, open_only=True) == []
    not_needed = incidents.chronology(me, case.id)[-1]
    assert not_needed.lines() == [
        "Not needed",
        "Why not needed: The review found nothing to change.",
    ]
    incidents.change_status(me, case.id, IncidentStatus.CLOSED, "Finished.", closing)
    summary = incidents.incident_summary(me, case.id)
    assert summary is not None and summary.status is IncidentStatus.CLOSED
    assert "incident.step_recorded" in {e.action for e in audit_entries(me)}
    # A closed case is reopened (Change status) before anything more is recorded on it.
    with pytest.raises(InvalidInput, match="The case is closed: reopen it"):
        incidents.carry_on(
            me,
            case.id,
            WalkStep("implement_changes", state=StepState.DONE, done_by="Jo", outcome="Late"),
        )


def test_steps_and_answers_that_do_not_fit_are_refused(school: School) -> None:
    me = school.signed_in
    case = _grooming(school)
    school.clock.set(LATER)
    ceop = "exploitation_ceop"

    def refused(taken: WalkStep, message: str) -> None:
        with pytest.raises(InvalidInput, match=message):
            incidents.carry_on(me, case.id, taken)

    refused(WalkStep(ceop, state=StepState.DONE, done_by="Jo Bloggs"), "say what came of it")
    refused(WalkStep(ceop, state=StepState.DONE, outcome="Report made"), "say who did it")
    tomorrow = _local(LATER) + timedelta(days=1)
    refused(
        WalkStep(ceop, state=StepState.DONE, done_by="Jo", outcome="Made", done_at=tomorrow),
        "cannot have been done later than now",
    )
    refused(WalkStep(ceop, state=StepState.TO_DO, due=CEOP_DUE), "who will do it and by when")
    refused(WalkStep(ceop, state=StepState.TO_DO, owner="Jo Bloggs"), "who will do it and by when")
    refused(WalkStep(ceop, state=StepState.NOT_NEEDED), "say why it is not needed")
    refused(WalkStep(ceop), "say whether it is done, to do or not needed")
    refused(WalkStep(ceop, state=StepState.UNCONFIRMED), "say whether it is done, to do")
    refused(WalkStep("police_outcome", choice="Maybe"), "choose one of the answers")
    refused(WalkStep("police_outcome", choice="No illegal activity confirmed"), "the reasons")
    # Neither the next step nor one still to do: a later step, or one already done.
    refused(
        WalkStep("debrief", state=StepState.DONE, done_by="Jo", outcome="Held"),
        "“Debrief on the incident” is not this case's next step: Waiting for the police's",
    )
    refused(
        WalkStep("exploitation_police", state=StepState.DONE, done_by="Jo", outcome="Again"),
        "is not this case's next step",
    )
    refused(WalkStep("no_such_step"), "not in the school's flowchart")
    assert incidents.case_plan(me, case.id).outstanding[0].step.id == ceop
    assert len(incidents.chronology(me, case.id)) == len(GROOMING_WALK)  # nothing was added


def test_roles_must_fit_the_kind_of_incident(school: School) -> None:
    me = school.signed_in
    school.clock.set(DAY_ONE)
    mia = _year_5_pupil(school)
    walk = [*TRIAGE, WalkStep("incident_type", choice=FILTERING, reasons="Saw a blocked site.")]

    def new(
        roles: list[tuple[int, PersonRole]],
        newcomers: list[tuple[Newcomer, PersonRole]] | None = None,
        steps: list[WalkStep] = walk,
    ) -> incidents.NewIncident:
        return incidents.NewIncident(
            reported_by="Mr Able (IT technician)",
            reported_at=_local(DAY_ONE),
            summary="A game site got through the filter on a Year 5 laptop.",
            child_words="",
            location=Location.ON_SITE,
            people=roles,
            walk=steps,
            newcomers=newcomers or [],
        )

    with pytest.raises(InvalidInput, match="“Target” is not a role for this kind of incident"):
        incidents.record_incident(me, new([(mia, PersonRole.TARGET)]))
    other_pupil = Newcomer(
        CasePersonKind.OTHER_PUPIL, "Noah", "Hart", school="Fenwick Juniors (invented)"
    )
    with pytest.raises(InvalidInput, match="“Alleged perpetrator” is not a role"):
        incidents.record_incident(
            me,
            new(
                [(mia, PersonRole.SAW_OR_RECEIVED)], [(other_pupil, PersonRole.ALLEGED_PERPETRATOR)]
            ),
        )
    nobody_known = Newcomer(CasePersonKind.ONLINE, platform="Roblox")
    with pytest.raises(InvalidInput, match="Unknown or online person: Give what is known"):
        incidents.record_incident(
            me, new([(mia, PersonRole.SAW_OR_RECEIVED)], [(nobody_known, PersonRole.OTHER)])
        )
    assert incidents.list_incidents(me) == []

    # The pupil who saw it is recorded as such; the case may stop right after its concern.
    case = incidents.record_incident(me, new([(mia, PersonRole.SAW_OR_RECEIVED)]))
    assert case.involved[0].roles == (PersonRole.SAW_OR_RECEIVED,)
    assert case.status is IncidentStatus.OPEN
    plan = incidents.case_plan(me, case.id)
    assert plan.next_step is not None and plan.next_step.id == "filtering_record"

    # "Not sure yet" waits for advice, and the answer that comes moves it on.
    incidents.carry_on(
        me,
        case.id,
        WalkStep(
            "filtering_record",
            state=StepState.DONE,
            done_by="Mr Able",
            outcome="Address blocked; parents told.",
        ),
    )
    plan = incidents.carry_on(
        me,
        case.id,
        WalkStep(
            "filtering_illegal",
            choice="Not sure yet: do not look again; ask the police or IWF for advice",
            reasons="The thumbnail may have shown a child.",
        ),
    )
    assert plan.waiting_for == "advice"
    assert incidents.incident_summary(me, case.id).status is IncidentStatus.AWAITING_ADVICE  # type: ignore[union-attr]
    plan = incidents.carry_on(
        me, case.id, WalkStep("filtering_illegal", choice="No", reasons="IWF: not illegal.")
    )
    assert plan.next_step is not None and plan.next_step.id == "strategy_meeting"
    assert incidents.incident_summary(me, case.id).status is IncidentStatus.OPEN  # type: ignore[union-attr]


def test_a_staff_case_carried_on_is_routed_upwards_and_moves_to_the_illegal_branch(
    school: School,
) -> None:
    """What recording does for a walk, carrying on does for the same steps taken later: a
    case routed past the headteacher is kept from the head's account, and the branch the
    answers take is the case's."""
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.storage.device_secret import DeviceSecretStore
    from tests.conftest import HEAD_PASSWORD, add_head

    me = school.signed_in
    add_head(school)
    school.clock.set(DAY_ONE)
    mia = _year_5_pupil(school)
    case = incidents.record_incident(
        me,
        incidents.NewIncident(
            reported_by="Kim Lowe (class teacher)",
            reported_at=_local(DAY_ONE),
            summary="Mia was sent messages from a staff account late at night.",
            child_words="",
            location=Location.ONLINE,
            people=[(mia, PersonRole.TARGET)],
            walk=[
                *TRIAGE,
                WalkStep(
                    "incident_type",
                    choice="A member of staff or volunteer misusing technology",
                    reasons="Messages from a staff account.",
                ),
            ],
        ),
    )
    assert case.branch == "unsuitable"
    school.clock.set(LATER)
    incidents.carry_on(
        me,
        case.id,
        WalkStep("staff_about_head", choice="Yes: the headteacher", reasons="The head's account."),
    )
    incidents.carry_on(
        me,
        case.id,
        WalkStep("head_to_chair", state=StepState.TO_DO, owner="Jo Bloggs", due=date(2026, 11, 26)),
    )
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore(), school.clock)
    assert incidents.list_incidents(head) == []
    head.sign_out()
    # Routed past the head, the case was sealed away from them: same reference, a new id.
    [sealed] = incidents.list_incidents(me)
    assert sealed.reference == case.reference and sealed.id < 0
    assert incidents.incident_summary(me, case.id) is None
    case = sealed
    plan = incidents.carry_on(
        me,
        case.id,
        WalkStep(
            "staff_illegal",
            choice="Yes: report to the police (suspension likely at referral)",
            reasons="Indecent messages to a child.",
        ),
    )
    assert plan.next_step is not None and plan.next_step.id == "police_report"
    summary = incidents.incident_summary(me, case.id)
    assert summary is not None and summary.branch == "illegal"


def _entry_rows(school: School, incident_id: int) -> list[dict[str, object]]:
    """Every chronology row of the case as stored, read with SQL (not through the services)."""
    with school.signed_in.database.reading() as session:
        rows = session.execute(
            text(
                "SELECT kind, step_id, state, done_by, outcome, owner, due, happened_at, "
                "reasons, reference_value, more_references FROM incident_entry "
                "WHERE incident_id = :id ORDER BY id"
            ),
            {"id": incident_id},
        ).mappings()
        return [dict(row) for row in rows]


def test_no_step_is_ever_stored_as_done_unless_the_user_said_so(school: School) -> None:
    me = school.signed_in
    school.clock.set(DAY_ONE)
    mia = _year_5_pupil(school)
    earlier = _local(DAY_ONE) - timedelta(hours=2)
    # Every kind of answer, some with fields that do not belong to it (a form left filled in
    # before the DSL changed their mind): only what the answer says is kept.
    walk = [
        *TRIAGE,
        WalkStep("incident_type", choice="Nudes or semi-nudes shared by children", reasons="."),
        WalkStep("nudes_do_not_view"),
        WalkStep(
            "nudes_review_meeting",
            state=StepState.DONE,
            done_by="Jo Bloggs",
            done_at=earlier,
            outcome="Met with the deputy DSL.",
            owner="Left over",
        ),
        WalkStep("nudes_referral", choice="Yes: refer now", reasons="Coercion is likely."),
        WalkStep(
            "nudes_refer",
            state=StepState.TO_DO,
            owner="Sam Deputy",
            due=date(2026, 11, 23),
            done_by="Jo Bloggs",
            done_at=earlier,
            outcome="Referral made",
            references=(("mash", "MASH-1"),),
        ),
        WalkStep("nudes_parents", choice="Yes", reasons="Parents are supportive."),
        WalkStep("record"),
        WalkStep(
            "debrief",
            state=StepState.NOT_NEEDED,
            reasons="Debriefed in the review meeting.",
            done_by="Jo Bloggs",
            outcome="Held",
            owner="Sam Deputy",
            due=date(2026, 11, 30),
        ),
        WalkStep(
            "review_policies", state=StepState.TO_DO, owner="Jo Bloggs", due=date(2026, 12, 1)
        ),
        WalkStep(
            "implement_changes", state=StepState.DONE, done_by="Jo Bloggs", outcome="Briefed."
        ),
        WalkStep("monitor"),
    ]
    said_done = {w.step_id for w in walk if w.state is StepState.DONE}
    assert said_done == {"nudes_review_meeting", "implement_changes"}

    def new(steps: list[WalkStep]) -> incidents.NewIncident:
        return incidents.NewIncident(
            reported_by="Kim Lowe",
            reported_at=_local(DAY_ONE),
            summary="An image was shared.",
            child_words="",
            location=Location.ONLINE,
            people=[(mia, PersonRole.TARGET)],
            walk=steps,
        )

    # An action step given without saying which (as the wizard once pre-filled it) is refused.
    for undecided in (
        WalkStep("nudes_review_meeting", done_by="Jo Bloggs", outcome="Met."),
        WalkStep("nudes_review_meeting", state=StepState.UNCONFIRMED, done_by="Jo Bloggs"),
    ):
        with pytest.raises(InvalidInput, match="say whether it is done, to do or not needed"):
            incidents.record_incident(me, new([*walk[:4], undecided]))
    with pytest.raises(InvalidInput, match="is not something to do"):
        incidents.record_incident(me, new([WalkStep("report", state=StepState.DONE), *walk[1:]]))
    assert incidents.list_incidents(me) == []

    case = incidents.record_incident(me, new(walk))
    rows = _entry_rows(school, case.id)
    steps = [r for r in rows if r["kind"] == "step"]
    assert [r["step_id"] for r in steps] == [w.step_id for w in walk]
    assert {r["step_id"] for r in rows if r["state"] == "done"} == said_done
    assert {r["step_id"] for r in rows if r["done_by"]} == said_done
    assert {r["step_id"] for r in rows if r["outcome"]} == said_done
    assert {r["step_id"] for r in rows if r["happened_at"]} == {"nudes_review_meeting"}
    states = {r["step_id"]: r["state"] for r in steps}
    assert states == {
        "report": None,
        "immediate_risk": None,
        "incident_type": None,
        "nudes_do_not_view": None,
        "nudes_review_meeting": "done",
        "nudes_referral": None,
        "nudes_refer": "to_do",
        "nudes_parents": None,
        "record": None,
        "debrief": "not_needed",
        "review_policies": "to_do",
        "implement_changes": "done",
        "monitor": None,
    }
    for row in steps:
        if row["state"] in ("to_do", "not_needed"):
            assert (row["done_by"], row["outcome"], row["happened_at"]) == ("", "", None), row
            # nor an agency's reference, which would say the referral was made
            assert (row["reference_value"], row["more_references"]) == (None, None), row
        if row["state"] != "to_do":
            assert (row["owner"], row["due"]) == (None, None), row
    debrief = next(r for r in steps if r["step_id"] == "debrief")
    assert debrief["reasons"] == "Debriefed in the review meeting."
    # A step to do is an open action; nothing else is.
    with me.database.reading() as session:
        actions = session.execute(
            text("SELECT step_id, owner, done_at FROM incident_action WHERE incident_id = :id"),
            {"id": case.id},
        ).all()
    assert sorted(actions) == [
        ("nudes_refer", "Sam Deputy", None),
        ("review_policies", "Jo Bloggs", None),
    ]

    # Carrying on never writes "done" either, unless the step is said to be done.
    school.clock.set(LATER)
    incidents.carry_on(
        me,
        case.id,
        WalkStep("nudes_refer", state=StepState.TO_DO, owner="Jo Bloggs", due=date(2026, 11, 27)),
    )
    incidents.carry_on(
        me,
        case.id,
        WalkStep("review_policies", state=StepState.NOT_NEEDED, reasons="Reviewed in June."),
    )
    later = _entry_rows(school, case.id)[len(rows) :]
    assert [(r["kind"], r["step_id"], r["state"], r["done_by"]) for r in later] == [
        ("step", "nudes_refer", "to_do", ""),
        ("step", "review_policies", "not_needed", ""),
    ]
    assert not [r for r in _entry_rows(school, case.id) if r["state"] == "unconfirmed"]
    open_actions = incidents.actions(me, case.id, open_only=True)
    assert [(a.step_id, a.owner, a.due) for a in open_actions] == [
        ("nudes_refer", "Jo Bloggs", date(2026, 11, 27))
    ]

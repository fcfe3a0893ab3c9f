"""The demo school's invented cases (``resources/demo/cases/*.toml``, a file for each school
year): read and checked against the shipped flowchart, then recorded through the services on
the days they happened, with the session's clock set to each.

A case's steps are checked as they are read: each must be a step of the flowchart, on the path
the case's answers take, in the order the flowchart comes to them, and each answer one the
step offers. Every action step says whether it was done (by whom, when, with its outcome), is
to do (who, by when) or was not needed (why): nothing is taken as done unless the file says
so. A case may stop part-way (``stop_before``, or an answer that waits for the police or for
advice) and be carried on later, a step at a time, on the days its ``later`` entries give; it
can only close once its plan allows. A case that does not fit is refused with its file and
case named.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from esafety_desktop.demo.case_data import (
    LATER_AT,
    LATER_KINDS,
    RECORDED_AFTER,
    STATES,
    STEP_KEYS,
    Action,
    CarryOn,
    DemoCase,
    DeviceReview,
    Evidence,
    Involved,
    Later,
    Note,
    SignOff,
    Status,
    _Choice,
)
from esafety_desktop.demo.case_walks import (
    _carry_on,
    _check_roles,
    _walk_through,
)
from esafety_desktop.demo.files import Fields, at_local, read_file
from esafety_desktop.demo.people import PersonKey
from esafety_desktop.domain.clock import SettableClock
from esafety_desktop.domain.device_review import DeviceSiteReview, ReviewedItem, Reviewer
from esafety_desktop.domain.evidence import EvidenceKind
from esafety_desktop.domain.flowchart import Flowchart, Step
from esafety_desktop.domain.incidents import (
    IncidentStatus,
    Location,
    PersonRole,
    RiskCategory,
    StepState,
    WalkProblem,
    WalkStep,
)
from esafety_desktop.domain.people import CasePersonKind, Newcomer
from esafety_desktop.services import incidents, people
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.demo import DEMO_DISPLAY_NAME


def read_usual_steps(path: Path, chart: Flowchart) -> dict[str, WalkStep]:
    """``usual_steps.toml``: how a case takes a step its file does not list. Its questions may
    be answered on the day a case is recorded; its actions only when a case is carried on
    later (``through``), and never as "to do" or at a fixed time."""
    top = read_file(path)
    usual = {}
    for step_id in top.names():
        if step_id not in chart.steps:
            raise top.problem(f"{step_id!r} is not a step of the flowchart")
        fields = top.table(step_id)
        usual[step_id] = _step(fields, chart.step(step_id), None)
        fields.done()
        if usual[step_id].state is StepState.TO_DO:
            raise fields.problem("a usual step is never to do: a case says who will do it")
    top.done()
    return usual


def read_cases(path: Path, chart: Flowchart, usual: dict[str, WalkStep]) -> list[DemoCase]:
    """Every case in one file, each checked against ``chart`` as it is read."""
    top = read_file(path)
    cases = [_case(fields, chart, usual) for fields in top.tables("cases", "case")]
    top.done()
    return cases


def _case(fields: Fields, chart: Flowchart, usual: dict[str, WalkStep]) -> DemoCase:
    reported = fields.moment("reported")
    fields.where += f" (reported {reported:%d/%m/%Y})"
    listed = []
    for step in fields.tables("steps", "step"):
        step_id = step.text("step")
        if step_id not in chart.steps:
            raise step.problem(f"{step_id!r} is not a step of the flowchart")
        listed.append(_step(step, chart.step(step_id), reported.date()))
        step.done()
    stop_before = fields.text("stop_before") if fields.has("stop_before") else None
    if stop_before is not None and stop_before not in chart.steps:
        raise fields.problem(f"stop_before: {stop_before!r} is not a step of the flowchart")
    involved = [_involved(p) for p in fields.tables("people", "person")]
    newcomers = [_newcomer(n) for n in fields.tables("newcomers", "newcomer")]
    later = [
        _later(item, chart, usual, reported.date())
        for item in fields.tables("later", "later entry")
    ]
    try:
        walk = _walk_through(chart, listed, usual, stop_before, reported + RECORDED_AFTER)
        _check_roles(chart, walk, [i.role for i in involved] + [r for _, r in newcomers])
        later = _carry_on(chart, walk, later, usual, reported)
    except WalkProblem as problem:
        raise fields.problem(str(problem)) from None
    case = DemoCase(
        source=fields.where,
        reported=reported,
        reported_by=fields.text("reported_by"),
        summary=fields.text("summary"),
        child_words=fields.text("child_words", ""),
        location=_choice(fields, "where", Location),
        service=fields.text("service", ""),
        category=_choice(fields, "category", RiskCategory) if fields.has("category") else None,
        misuse=fields.text("misuse") if fields.has("misuse") else None,
        people=involved,
        walk=walk,
        later=later,
        newcomers=newcomers,
    )
    fields.done()
    return case


def _step(fields: Fields, step: Step, counted_from: date | None) -> WalkStep:
    """A step's answer as a file gives it (the caller reads any other keys and calls
    ``done``): a question's ``answer`` and ``reasons``; an action's ``state`` with only what
    that state has: done (``done_by``, the DSL unless given; ``done_at``, a local time, when it
    happened if not when it was recorded; ``outcome``; ``reference`` or ``references``), to do
    (``owner``, ``due_in`` days after ``counted_from``) or not needed (``reasons``).
    ``counted_from`` None: a usual step, which has no dates."""
    state = None
    if fields.has("state"):
        if step.kind != "action":
            raise fields.problem(f"{step.id!r} is not an action: it has no state")
        value = fields.text("state")
        if value not in {s.value for s in STATES}:
            raise fields.problem(
                f"state should be one of {', '.join(s.value for s in STATES)}, not {value!r}"
            )
        state = StepState(value)
    given = {k for k in STEP_KEYS if fields.has(k)}
    only = {
        "answer": step.kind == "question",
        "done_by": state is StepState.DONE,
        "done_at": state is StepState.DONE and counted_from is not None,
        "outcome": state is StepState.DONE,
        "reference": state is StepState.DONE,
        "references": state is StepState.DONE,
        "owner": state is StepState.TO_DO,
        "due_in": state is StepState.TO_DO and counted_from is not None,
        "reasons": step.kind == "question" or state is StepState.NOT_NEEDED,
    }
    wrong = [k for k, allowed in only.items() if k in given and not allowed]
    if wrong:
        if state is None and step.kind == "action":
            raise fields.problem(
                f"{wrong[0]}: say first whether {step.id!r} is done, to_do or not_needed (state)"
            )
        what = f"a step {state.label.lower()}" if state else f"this {step.kind} step"
        if counted_from is None and wrong[0] in ("done_at", "due_in"):
            what = "a usual step"
        raise fields.problem(f"{wrong[0]} does not belong to {what} ({step.id!r})")
    due = None
    if "due_in" in given:
        assert counted_from is not None
        due = counted_from + timedelta(days=fields.number("due_in"))
    done_by = fields.text("done_by", "")
    return WalkStep(
        step.id,
        choice=fields.text("answer") if "answer" in given else None,
        reasons=fields.text("reasons", ""),
        state=state,
        done_by=done_by or (DEMO_DISPLAY_NAME if state is StepState.DONE else ""),
        done_at=fields.moment("done_at") if "done_at" in given else None,
        outcome=fields.text("outcome", ""),
        references=_references(fields, step),
        owner=fields.text("owner", ""),
        due=due,
        notes=fields.text("notes", ""),
    )


def _references(fields: Fields, step: Step) -> tuple[tuple[str, str], ...]:
    """``reference = "…"`` (the step's first kind of reference) or ``references = { kind =
    "…" }`` for a step that takes several (police and MASH…)."""
    found: list[tuple[str, str]] = []
    if fields.has("reference"):
        if not step.references:
            raise fields.problem(f"{step.id!r} takes no reference")
        found.append((step.references[0], fields.text("reference")))
    if fields.has("references"):
        table = fields.table("references")
        for kind in table.names():
            if kind not in step.references:
                raise table.problem(
                    f"{step.id!r} takes no {kind!r} reference (it takes "
                    f"{', '.join(step.references) or 'none'})"
                )
            found.append((kind, table.text(kind)))
        table.done()
    if len({k for k, _ in found}) != len(found):
        raise fields.problem("a reference is given twice")
    return tuple(found)


def _choice(fields: Fields, key: str, kind: type[_Choice]) -> _Choice:
    value = fields.text(key)
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(k.value) for k in kind)
        raise fields.problem(f"{key} should be one of {allowed}, not {value!r}") from None


def _involved(fields: Fields) -> Involved:
    involved = Involved(PersonKey.read(fields), _choice(fields, "role", PersonRole))
    fields.done()
    return involved


def _newcomer(fields: Fields) -> tuple[Newcomer, PersonRole]:
    """Someone not on the register, added to the case as the wizard would: ``kind`` (online,
    other_pupil or family) and what is known of them, with their ``role``."""
    identities = fields.texts("online_identities") if fields.has("online_identities") else []
    newcomer = Newcomer(
        kind=_choice(fields, "kind", CasePersonKind),
        forename=fields.text("forename", ""),
        surname=fields.text("surname", ""),
        description=fields.text("description", ""),
        online_identities="\n".join(identities),
        platform=fields.text("platform", ""),
        approximate_age=fields.text("approximate_age", ""),
        school=fields.text("school", ""),
        relationship=fields.text("relationship", ""),
        add_to_register=fields.flag("add_to_register"),
    )
    role = _choice(fields, "role", PersonRole)
    fields.done()
    if newcomer.problem():
        raise fields.problem(f"{newcomer.kind.label}: {newcomer.problem()}")
    return newcomer, role


def _later(fields: Fields, chart: Flowchart, usual: dict[str, WalkStep], reported: date) -> Later:
    """One thing done later: the key it has of note, evidence, action, status, sign_off,
    device_review and step says which."""
    given = [k for k in LATER_KINDS if fields.has(k)]
    if len(given) != 1:
        raise fields.problem(f"give exactly one of {', '.join(LATER_KINDS)}")
    day = fields.number("day")
    found: Later
    if given[0] == "note":
        found = Note(day, fields.text("note"))
    elif given[0] == "evidence":
        found = Evidence(
            day,
            _choice(fields, "evidence", EvidenceKind),
            fields.text("description"),
            url=fields.text("url", ""),
            held_where=fields.text("held_where", ""),
            held_by=fields.text("held_by", ""),
        )
    elif given[0] == "action":
        done_after = fields.number("done_after") if fields.has("done_after") else None
        found = Action(
            day,
            fields.text("action"),
            fields.text("owner"),
            fields.number("due_in"),
            done_after,
            fields.text("outcome") if done_after is not None else "",
        )
        if done_after is None and fields.has("outcome"):
            raise fields.problem("an action still open has no outcome (give done_after)")
    elif given[0] == "status":
        found = _status(fields, day)
    elif given[0] == "sign_off":
        found = SignOff(day, fields.text("sign_off"))
    elif given[0] == "step":
        found = _later_step(fields, chart, usual, reported, day)
    else:
        found = DeviceReview(day, _device_review(fields.table("device_review")))
    fields.done()
    return found


def _later_step(
    fields: Fields, chart: Flowchart, usual: dict[str, WalkStep], reported: date, day: int
) -> CarryOn:
    """``step = "…"`` with what the step says (as in ``cases.steps``; due_in counts from this
    day), or nothing to take it as ``usual_steps.toml`` has it; ``through = "…"`` carries on
    to that step, each as usual."""
    step_id = fields.text("step")
    if step_id not in chart.steps:
        raise fields.problem(f"{step_id!r} is not a step of the flowchart")
    through = fields.text("through") if fields.has("through") else None
    if through is not None and through not in chart.steps:
        raise fields.problem(f"through: {through!r} is not a step of the flowchart")
    if any(fields.has(k) for k in STEP_KEYS):
        taken = _step(fields, chart.step(step_id), reported + timedelta(days=day))
    else:
        taken = usual.get(step_id, WalkStep(step_id))
    return CarryOn(day, (taken,), through)


def _status(fields: Fields, day: int) -> Status:
    status = _choice(fields, "status", IncidentStatus)
    closing = None
    if status is IncidentStatus.CLOSED:  # the closing questions (the debrief: from the plan)
        closing = incidents.Closing(
            fields.text("outcome"), False, fields.text("lessons"), fields.flag("policy_review")
        )
    return Status(day, status, fields.text("reasons"), closing)


def _device_review(fields: Fields) -> DeviceSiteReview:
    def reviewer(key: str) -> Reviewer:
        who = fields.table(key)
        found = Reviewer(who.text("name"), who.text("position"))
        who.done()
        return found

    items = []
    for item in fields.tables("items", "item"):
        items.append(ReviewedItem(item.text("address_or_device"), item.text("concern")))
        item.done()
    review = DeviceSiteReview(
        reason=fields.text("reason"),
        first_reviewer=reviewer("first_reviewer"),
        second_reviewer=reviewer("second_reviewer"),
        computer=fields.text("computer"),
        items=items,
        child_abuse_images_found=fields.flag("child_abuse_images_found"),
        conclusion=fields.text("conclusion"),
        action=fields.text("action"),
        action_detail=fields.text("action_detail", ""),
    )
    fields.done()
    return review


def add_cases(me: SignedIn, head: SignedIn, clock: SettableClock, cases: list[DemoCase]) -> None:
    """Record every case, and what happened to it later, on the days it happened (``clock`` is
    both sessions'). The headteacher's account signs off."""
    everyone = people.list_people(me)
    today = clock.today()  # the register's year groups are as they are today
    for case in sorted(cases, key=lambda c: c.reported):
        involved = [
            (who.person.find(everyone, case.reported.date(), today), who.role)
            for who in case.people
        ]
        with clock.at((case.reported + RECORDED_AFTER).astimezone()):
            recorded = incidents.record_incident(
                me,
                incidents.NewIncident(
                    reported_by=case.reported_by,
                    reported_at=case.reported,
                    summary=case.summary,
                    child_words=case.child_words,
                    location=case.location,
                    online_service=case.service,
                    category=case.category,
                    people=involved,
                    walk=case.walk,
                    misuse_category=case.misuse,
                    newcomers=list(case.newcomers),
                ),
            )
        for later in case.later:
            _follow_up(me, head, clock, recorded.id, case.reported.date(), later)


def _follow_up(
    me: SignedIn, head: SignedIn, clock: SettableClock, case_id: int, reported: date, later: Later
) -> None:
    when = at_local(reported + timedelta(days=later.day), LATER_AT)
    with clock.at(when):
        if isinstance(later, Note):
            incidents.add_note(me, case_id, later.text)
        elif isinstance(later, Evidence):
            incidents.add_evidence(
                me,
                case_id,
                later.kind,
                later.description,
                url=later.url,
                held_where=later.held_where,
                held_by=later.held_by,
            )
        elif isinstance(later, Status):
            incidents.change_status(me, case_id, later.status, later.reasons, later.closing)
        elif isinstance(later, SignOff):
            incidents.sign_off(head, case_id, later.comment)
        elif isinstance(later, DeviceReview):
            incidents.record_device_review(me, case_id, later.review)
        elif isinstance(later, CarryOn):
            for taken in later.steps:
                incidents.carry_on(me, case_id, taken)
        else:
            due = when.date() + timedelta(days=later.due_in)
            incidents.add_action(me, case_id, later.title, later.owner, due)
            if later.done_after is not None:
                action = max(incidents.actions(me, case_id), key=lambda a: a.id)
                with clock.at(when + timedelta(days=later.done_after)):
                    incidents.complete_action(me, action.id, later.outcome)

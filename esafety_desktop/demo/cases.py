"""The demo school's invented cases (``resources/demo/cases/*.toml``, a file for each school
year): read and checked against the shipped flowchart, then recorded through the services on
the days they happened, with the session's clock set to each.

A case's steps are checked as they are read: each must be a step of the flowchart, on the path
the case's answers take, in the order the flowchart comes to them, and each answer one the
step offers. A case that does not fit is refused with its file and case named.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from esafety_desktop.demo.files import Fields, at_local, read_file
from esafety_desktop.demo.people import PersonKey
from esafety_desktop.domain.clock import SettableClock
from esafety_desktop.domain.device_review import DeviceSiteReview, ReviewedItem, Reviewer
from esafety_desktop.domain.evidence import EvidenceKind
from esafety_desktop.domain.flowchart import Flowchart
from esafety_desktop.domain.incidents import (
    IncidentStatus,
    Location,
    PersonRole,
    RiskCategory,
    WalkProblem,
    WalkStep,
    check_walk,
)
from esafety_desktop.services import incidents, people
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.demo import DEMO_DISPLAY_NAME

RECORDED_AFTER = timedelta(minutes=20)  # a case is written up this long after it was reported
LATER_AT = time(15, 30)  # what happens later is recorded at this time on its day
LATER_KINDS = ("note", "evidence", "action", "status", "sign_off", "device_review")
_Choice = TypeVar("_Choice", bound=StrEnum)


@dataclass(frozen=True)
class Involved:
    person: PersonKey
    role: PersonRole


@dataclass(frozen=True)
class Note:
    day: int  # days after the report
    text: str


@dataclass(frozen=True)
class Action:
    day: int
    title: str
    owner: str
    due_in: int  # days after it was set
    done_after: int | None  # days after it was set; None: still open
    outcome: str


@dataclass(frozen=True)
class Evidence:
    day: int
    kind: EvidenceKind
    description: str
    url: str
    held_where: str
    held_by: str


@dataclass(frozen=True)
class Status:
    day: int
    status: IncidentStatus
    reasons: str
    closing: incidents.Closing | None


@dataclass(frozen=True)
class SignOff:
    day: int  # by the headteacher
    comment: str


@dataclass(frozen=True)
class DeviceReview:
    day: int
    review: DeviceSiteReview


Later = Note | Action | Evidence | Status | SignOff | DeviceReview


@dataclass(frozen=True)
class DemoCase:
    source: str  # its file and number, for messages
    reported: datetime  # local time
    reported_by: str
    summary: str
    child_words: str
    location: Location
    service: str
    category: RiskCategory | None
    misuse: str | None
    people: list[Involved]
    walk: list[WalkStep]
    later: list[Later]


def read_usual_steps(path: Path, chart: Flowchart) -> dict[str, WalkStep]:
    """``usual_steps.toml``: how a case takes a step its file does not list."""
    top = read_file(path)
    usual = {}
    for step_id in top.names():
        if step_id not in chart.steps:
            raise top.problem(f"{step_id!r} is not a step of the flowchart")
        usual[step_id] = _step(top.table(step_id), step_id)
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
        listed.append(_step(step, step_id))
    try:
        walk = _walk_through(chart, listed, usual)
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
        people=[_involved(p) for p in fields.tables("people", "person")],
        walk=walk,
        later=[_later(item) for item in fields.tables("later", "later entry")],
    )
    fields.done()
    return case


def _step(fields: Fields, step_id: str) -> WalkStep:
    taken = WalkStep(
        step_id,
        choice=fields.text("answer") if fields.has("answer") else None,
        reasons=fields.text("reasons", ""),
        done_by=fields.text("done_by", ""),
        outcome=fields.text("outcome", ""),
        reference=fields.text("reference", ""),
        notes=fields.text("notes", ""),
    )
    fields.done()
    return taken


def _walk_through(
    chart: Flowchart, listed: list[WalkStep], usual: dict[str, WalkStep]
) -> list[WalkStep]:
    """The whole walk from the flowchart's start: each step as the case lists it (the listed
    steps in the order the path comes to them), else as ``usual`` has it; actions done by the
    DSL unless a step says who. Raises :class:`WalkProblem` saying what does not fit."""
    waiting = list(listed)
    walk: list[WalkStep] = []
    step = chart.step(chart.start)
    while True:
        if waiting and waiting[0].step_id == step.id:
            taken = waiting.pop(0)
        else:
            taken = usual.get(step.id, WalkStep(step.id))
        if step.kind == "question":
            if taken.choice is None:
                if waiting and waiting[0].step_id in {t.step_id for t in walk}:
                    raise _out_of_order(waiting[0], listed)
                later = f" before {waiting[0].step_id!r}" if waiting else ""
                raise WalkProblem(
                    f"the flowchart asks {step.id!r} ({step.title}){later}: answer it"
                )
            choice = next((c for c in step.choices if c.label == taken.choice), None)
            if choice is None:
                offered = "; ".join(repr(c.label) for c in step.choices)
                raise WalkProblem(
                    f"{step.id!r} does not offer the answer {taken.choice!r} (it offers {offered})"
                )
            walk.append(taken)
            step = chart.step(choice.next)
            continue
        if taken.choice is not None:
            raise WalkProblem(f"{step.id!r} is not a question: it takes no answer")
        if step.kind == "action" and not taken.done_by:
            taken = replace(taken, done_by=DEMO_DISPLAY_NAME)
        walk.append(taken)
        if step.kind == "end":
            break
        assert step.next is not None
        step = chart.step(step.next)
    if waiting:
        if waiting[0].step_id in {t.step_id for t in walk}:
            raise _out_of_order(waiting[0], listed)
        raise WalkProblem(f"{waiting[0].step_id!r} is not on the path the case's answers take")
    check_walk(chart, walk)  # what the app checks of every walk (reasons for each decision…)
    return walk


def _out_of_order(step: WalkStep, listed: list[WalkStep]) -> WalkProblem:
    before = listed[next(n for n, s in enumerate(listed) if s is step) - 1].step_id
    return WalkProblem(
        f"{step.step_id!r} is out of order: the flowchart comes to it before {before!r}"
    )


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


def _later(fields: Fields) -> Later:
    """One thing done later: the key it has of note, evidence, action, status, sign_off and
    device_review says which."""
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
        found = Action(
            day,
            fields.text("action"),
            fields.text("owner"),
            fields.number("due_in"),
            fields.number("done_after") if fields.has("done_after") else None,
            fields.text("outcome", ""),
        )
    elif given[0] == "status":
        found = _status(fields, day)
    elif given[0] == "sign_off":
        found = SignOff(day, fields.text("sign_off"))
    else:
        found = DeviceReview(day, _device_review(fields.table("device_review")))
    fields.done()
    return found


def _status(fields: Fields, day: int) -> Status:
    status = _choice(fields, "status", IncidentStatus)
    closing = None
    if status is IncidentStatus.CLOSED:  # the closing questions; every demo debrief was held
        closing = incidents.Closing(
            fields.text("outcome"), True, fields.text("lessons"), fields.flag("policy_review")
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
        else:
            due = when.date() + timedelta(days=later.due_in)
            incidents.add_action(me, case_id, later.title, later.owner, due)
            if later.done_after is not None:
                action = max(incidents.actions(me, case_id), key=lambda a: a.id)
                with clock.at(when + timedelta(days=later.done_after)):
                    incidents.complete_action(me, action.id, later.outcome or "Done")

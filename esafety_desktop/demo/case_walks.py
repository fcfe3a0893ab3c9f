"""A demo case's steps against the flowchart: the walk on the day it was recorded (its listed
steps in the order the path comes to them, the rest as usual), the roles that fit, and each
step carried on later, checked against the plan as it stands then."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from esafety_desktop.demo.case_data import (
    DEBRIEF_STEP,
    LATER_AT,
    RECORDED_AFTER,
    CarryOn,
    Later,
    Status,
)
from esafety_desktop.domain.flowchart import Flowchart
from esafety_desktop.domain.incidents import (
    IncidentStatus,
    PersonRole,
    StepState,
    WalkProblem,
    WalkStep,
    check_step,
    check_walk,
    incident_type_of,
    plan_of,
)


def _walk_through(
    chart: Flowchart,
    listed: list[WalkStep],
    usual: dict[str, WalkStep],
    stop_before: str | None,
    recorded_at: datetime,
) -> list[WalkStep]:
    """The walk recorded on the day, from the flowchart's start: each step as the case lists
    it (the listed steps in the order the path comes to them), else a question as ``usual``
    answers it. It stops before ``stop_before``, at an answer that waits, or at the end.
    Raises :class:`WalkProblem` saying what does not fit."""
    waiting = list(listed)
    walk: list[WalkStep] = []
    step = chart.step(chart.start)
    while step.id != stop_before:
        if waiting and waiting[0].step_id == step.id:
            taken = waiting.pop(0)
        else:
            if any(w.step_id == step.id for w in waiting):
                raise _out_of_order(next(w for w in waiting if w.step_id == step.id), listed)
            if waiting and waiting[0].step_id in {t.step_id for t in walk}:
                raise _out_of_order(waiting[0], listed)
            taken = usual.get(step.id, WalkStep(step.id))
            if step.kind == "action":
                later = f" before {waiting[0].step_id!r}" if waiting else ""
                raise WalkProblem(
                    f"the flowchart comes to {step.id!r} ({step.title}){later}: list it with "
                    "its state (done, to_do or not_needed), or stop before it (stop_before)"
                )
        if step.kind == "question":
            if taken.choice is None:
                later = f" before {waiting[0].step_id!r}" if waiting else ""
                raise WalkProblem(
                    f"the flowchart asks {step.id!r} ({step.title}){later}: answer it"
                )
            choice = step.choice(taken.choice)
            if choice is None:
                offered = "; ".join(repr(c.label) for c in step.choices)
                raise WalkProblem(
                    f"{step.id!r} does not offer the answer {taken.choice!r} (it offers {offered})"
                )
            walk.append(taken)
            if choice.next is None:  # it waits: the case stops here until it is answered
                break
            step = chart.step(choice.next)
            continue
        if taken.choice is not None:
            raise WalkProblem(f"{step.id!r} is not a question: it takes no answer")
        if step.kind == "action" and taken.state is None:
            raise WalkProblem(
                f"{step.id!r} ({step.title}): say whether it is done, to_do or not_needed (state)"
            )
        walk.append(taken)
        if step.kind == "end":
            break
        assert step.next is not None
        step = chart.step(step.next)
    if waiting:
        if waiting[0].step_id in {t.step_id for t in walk}:
            raise _out_of_order(waiting[0], listed)
        raise WalkProblem(f"{waiting[0].step_id!r} is not on the path the case's answers take")
    if stop_before is not None and step.id != stop_before:
        why = "waits" if chart.step(walk[-1].step_id).kind == "question" else "ends"
        raise WalkProblem(
            f"the case {why} at {walk[-1].step_id!r} before it comes to stop_before "
            f"{stop_before!r}: leave stop_before out"
        )
    # What the app checks of every walk (reasons for each decision, each action honest…).
    check_walk(chart, walk, recorded_at)
    return walk


def _check_roles(chart: Flowchart, walk: list[WalkStep], roles: list[PersonRole]) -> None:
    """Each person's role is one the flowchart offers for the case's kind of incident."""
    kind, _ = incident_type_of(chart, walk)
    fitting = chart.roles_for(kind)
    for role in roles:
        if role.value not in fitting:
            raise WalkProblem(
                f"role {role.value!r} does not fit a case of type {kind!r} (it offers "
                f"{', '.join(fitting)})"
            )


def _carry_on(
    chart: Flowchart,
    walk: list[WalkStep],
    later: list[Later],
    usual: dict[str, WalkStep],
    reported: datetime,
) -> list[Later]:
    """Follow the case's plan through its later entries, as the services will: each step
    carried on must be the case's next step or one still to do, answered honestly by then
    (``through`` is expanded, step by step); a case closes only once nothing is to do and the
    flowchart is finished (the closing questions say whether the debrief was held); nothing
    is recorded before the case is, and the days come in order."""
    answers = {taken.step_id: taken for taken in walk}
    closed = False
    found: list[Later] = []
    last_day = 0
    for item in later:
        when = datetime.combine(reported.date() + timedelta(days=item.day), LATER_AT)
        if item.day < last_day:
            raise WalkProblem(
                f"later entries come in order of day: day {item.day} after {last_day}"
            )
        if when < reported + RECORDED_AFTER:
            raise WalkProblem(
                f"day {item.day} at {LATER_AT:%H:%M} is before the case is recorded "
                f"({reported + RECORDED_AFTER:%H:%M}): make it a day later"
            )
        last_day = item.day
        if isinstance(item, CarryOn):
            if closed:
                raise WalkProblem(f"day {item.day}: the case is closed by then; reopen it first")
            item = replace(item, steps=_carried(chart, answers, item, usual, when), through=None)
        elif isinstance(item, Status):
            closed = item.status is IncidentStatus.CLOSED
            if closed:
                problem = plan_of(chart, answers).closing_problem()
                if problem:
                    raise WalkProblem(f"day {item.day}: the case cannot close yet. {problem}")
                debrief = answers.get(DEBRIEF_STEP)
                held = debrief is not None and debrief.state is StepState.DONE
                assert item.closing is not None
                item = replace(item, closing=replace(item.closing, debrief_held=held))
        found.append(item)
    return found


def _carried(
    chart: Flowchart,
    answers: dict[str, WalkStep],
    item: CarryOn,
    usual: dict[str, WalkStep],
    when: datetime,
) -> tuple[WalkStep, ...]:
    """The steps one later entry records, each checked against the plan at the time (and
    added to ``answers``)."""
    steps: list[WalkStep] = []
    taken = item.steps[0]
    while True:
        plan = plan_of(chart, answers)
        step = chart.step(taken.step_id)
        if not plan.can_take(step.id):
            raise WalkProblem(
                f"day {item.day}: {step.id!r} is not the case's next step. {plan.where()}"
            )
        try:
            check_step(step, taken, when)
        except WalkProblem as problem:
            raise WalkProblem(f"day {item.day}: {problem}") from None
        answers[step.id] = taken
        steps.append(taken)
        if item.through is None or step.id == item.through:
            return tuple(steps)
        plan = plan_of(chart, answers)
        if plan.next_step is None or plan.waiting_for:
            raise WalkProblem(
                f"day {item.day}: carrying on through {item.through!r}, the case stops at "
                f"{step.id!r}. {plan.where()}"
            )
        taken = usual.get(plan.next_step.id, WalkStep(plan.next_step.id))


def _out_of_order(step: WalkStep, listed: list[WalkStep]) -> WalkProblem:
    before = listed[next(n for n, s in enumerate(listed) if s is step) - 1].step_id
    return WalkProblem(
        f"{step.step_id!r} is out of order: the flowchart comes to it before {before!r}"
    )

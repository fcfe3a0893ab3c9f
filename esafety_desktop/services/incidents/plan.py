"""The flowchart as a case's living plan: each step's answer is an entry in the chronology
(append-only; a later answer to a step replaces the earlier one in the plan, never in the
record), a step to do is one of the case's actions, and the case's status follows the plan
(waiting for the police or for advice, back to internal procedures) until the DSL moves it on.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from esafety_desktop.domain.flowchart import REFERENCES, Flowchart, Step
from esafety_desktop.domain.incidents import (
    CasePlan,
    IncidentStatus,
    StepState,
    WalkProblem,
    WalkStep,
    automatic_status,
    check_step,
    plan_of,
)
from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents._common import (
    _account_concerned,
    _case_changed,
    _entry,
    _local,
    _visible_incident,
)
from esafety_desktop.services.incidents.flowcharts import shipped_flowchart
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.restricted_cases import store_for
from esafety_desktop.storage.models import Incident, IncidentAction, IncidentEntry


@open_to_every_role("the cases this account may see")
def case_plan(signed_in: SignedIn, incident_id: int) -> CasePlan:
    """Where the case stands in the flowchart, from its chronology."""
    with store_for(signed_in, incident_id).reading() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        return plan_of(shipped_flowchart(), _answers(session, incident.id))


def carry_on(
    signed_in: SignedIn,
    incident_id: int,
    taken: WalkStep,
    *,
    concerns_account_id: int | None = None,
    misuse_category: str | None = None,
) -> CasePlan:
    """Record the case's next step, or a step still to do, as the wizard would; the case
    moves down the branch the answer takes. A step that routes the case upwards keeps it from
    the account it is about (as recording does); the misuse grid's step keeps its category.
    Returns the plan after it."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    chart = shipped_flowchart()
    if taken.step_id not in chart.steps:
        raise InvalidInput("That step is not in the school's flowchart.")
    step = chart.step(taken.step_id)
    try:
        check_step(step, taken, signed_in.clock.local_now())
    except WalkProblem as problem:
        raise InvalidInput(str(problem)) from None
    with store_for(signed_in, incident_id).transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        if incident.status == IncidentStatus.CLOSED.value:
            raise InvalidInput("The case is closed: reopen it (Change status) to carry it on.")
        before = plan_of(chart, _answers(session, incident.id))
        if not before.can_take(step.id):
            raise InvalidInput(
                f"“{step.title}” is not this case's next step: {before.where()} "
                "(another window may have moved the case on)."
            )
        now = signed_in.clock.utc_now()
        if step.routes_to:
            concerns = _account_concerned(session, signed_in, concerns_account_id, [step.routes_to])
            incident.concerns_account_id = concerns or incident.concerns_account_id
            incident.routed_to = incident.routed_to or step.routes_to
        if step.form == "misuse_grid" and misuse_category:
            incident.misuse_category = misuse_category
        choice = step.choice(taken.choice) if step.kind == "question" else None
        if choice is not None and choice.branch:
            # as recording does (incident_type_of): the latest branch chosen is the case's,
            # e.g. staff misuse found later to be illegal
            incident.branch = choice.branch
        session.add(_step_entry(signed_in, incident.id, now, step, taken))
        _plan_actions(session, incident.id, step, taken, now)
        after = plan_of(chart, _answers(session, incident.id))
        _follow_status(session, signed_in, incident, after, now)
        _case_changed(
            session,
            signed_in,
            incident.id,
            "incident.step_recorded",
            details={"step": step.id, "state": taken.state.value if taken.state else "answered"},
        )
        about = incident.concerns_account_id if incident_id >= 0 else None
    if about is None:
        return after
    # Routed past an account holder (the headteacher): the case is sealed away from them now.
    from esafety_desktop.services.restricting import restrict_case

    restrict_case(signed_in, incident_id, [about])
    return after


def _answers(session: Session, incident_id: int) -> dict[str, WalkStep]:
    """The latest answer to each step, from the chronology (a note's correction does not
    change an answer; the "not confirmed" correction an update added does)."""
    session.flush()
    entries = session.scalars(
        select(IncidentEntry)
        .where(IncidentEntry.incident_id == incident_id, IncidentEntry.step_id.is_not(None))
        .order_by(IncidentEntry.id)
    )
    answers: dict[str, WalkStep] = {}
    for entry in entries:
        if entry.kind == "step" or (
            entry.kind == "correction" and entry.state == StepState.UNCONFIRMED.value
        ):
            assert entry.step_id is not None
            answers[entry.step_id] = walk_step_of(entry)
    return answers


def walk_step_of(entry: IncidentEntry) -> WalkStep:
    """An entry as the answer it records. Entries from before steps had states: an action
    step with someone's name in "done by" was recorded as done."""
    if entry.state:
        state: StepState | None = StepState(entry.state)
    else:
        state = StepState.DONE if entry.done_by else None
    return WalkStep(
        step_id=entry.step_id or "",
        choice=entry.choice,
        reasons=entry.reasons,
        state=state,
        done_by=entry.done_by,
        done_at=_local(entry.happened_at) if entry.happened_at else None,
        outcome=entry.outcome,
        references=references_of(entry),
        owner=entry.owner or "",
        due=entry.due,
        notes=entry.text,
    )


def references_of(entry: IncidentEntry) -> tuple[tuple[str, str], ...]:
    if entry.more_references:
        return tuple((str(k), str(v)) for k, v in json.loads(entry.more_references))
    if entry.reference_kind and entry.reference_value:
        return ((entry.reference_kind, entry.reference_value),)
    return ()


def _step_entry(
    signed_in: SignedIn, incident_id: int, now: datetime, step: Step, taken: WalkStep
) -> IncidentEntry:
    """The chronology entry for one step's answer, with only what its answer says: a step to
    do has no "done by", a step not needed has its reason, a done step when it happened."""
    state = taken.state if step.kind == "action" else None
    done = state is StepState.DONE
    to_do = state is StepState.TO_DO
    # An agency's reference says the step was done: a step to do or not needed has none.
    references = tuple(
        (k, v.strip())
        for k, v in taken.references
        if k in step.references
        and v.strip()
        and state not in (StepState.TO_DO, StepState.NOT_NEEDED)
    )
    happened = None
    if done and taken.done_at is not None:
        happened = taken.done_at.astimezone(UTC).replace(tzinfo=None)
    return _entry(
        signed_in,
        incident_id,
        now,
        kind="step",
        step_id=step.id,
        title=step.title,
        choice=taken.choice if step.kind == "question" else None,
        reasons=taken.reasons.strip() if step.kind == "question" or not done else "",
        done_by=taken.done_by.strip() if done else "",
        outcome=taken.outcome.strip() if done else "",
        reference_kind=references[0][0] if references else None,
        reference_value=references[0][1] if references else None,
        more_references=json.dumps([list(r) for r in references]) if references else None,
        text=taken.notes.strip(),
        state=state.value if state else None,
        happened_at=happened,
        owner=taken.owner.strip() if to_do else None,
        due=taken.due if to_do else None,
    )


def _plan_actions(
    session: Session, incident_id: int, step: Step, taken: WalkStep, now: datetime
) -> None:
    """A step to do is one of the case's actions (its owner and due date); a later answer
    done or not needed closes it."""
    if step.kind != "action":
        return
    open_action = session.scalar(
        select(IncidentAction).where(
            IncidentAction.incident_id == incident_id,
            IncidentAction.step_id == step.id,
            IncidentAction.done_at.is_(None),
        )
    )
    if taken.state is StepState.TO_DO:
        assert taken.due is not None
        if open_action is None:
            session.add(
                IncidentAction(
                    incident_id=incident_id,
                    title=step.title,
                    owner=taken.owner.strip(),
                    due=taken.due,
                    created_at=now,
                    step_id=step.id,
                )
            )
        else:
            open_action.owner, open_action.due = taken.owner.strip(), taken.due
    elif open_action is not None:
        open_action.done_at = now


def _follow_status(
    session: Session, signed_in: SignedIn, incident: Incident, plan: CasePlan, now: datetime
) -> None:
    """The status the plan gives (waiting for the police, for advice…), with an entry saying
    why; a status the DSL chose (monitoring, closed) is kept."""
    old = IncidentStatus(incident.status)
    new = automatic_status(plan, old)
    if new is old:
        return
    incident.status = new.value
    session.add(
        _entry(
            signed_in,
            incident.id,
            now,
            kind="status",
            title=f"Status: {old.label} → {new.label}",
            reasons=f"From the flowchart: {plan.where()}",
        )
    )


def reference_label(kind: str) -> str:
    return REFERENCES.get(kind, kind)


def record_walk(
    session: Session,
    signed_in: SignedIn,
    incident: Incident,
    chart: Flowchart,
    walk: list[WalkStep],
    now: datetime,
) -> CasePlan:
    """A new case's first steps, as the wizard took them."""
    for taken in walk:
        step = chart.step(taken.step_id)
        session.add(_step_entry(signed_in, incident.id, now, step, taken))
        _plan_actions(session, incident.id, step, taken, now)
    return plan_of(chart, _answers(session, incident.id))

"""What an incident record is made of, and checking a walk through the flowchart."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from esafety_desktop.domain.flowchart import WAITS, Flowchart, Step


class IncidentStatus(StrEnum):
    OPEN = "open"
    AWAITING_POLICE = "awaiting_police"
    AWAITING_ADVICE = "awaiting_advice"
    INTERNAL = "internal_procedures"
    MONITORING = "monitoring"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            IncidentStatus.OPEN: "Open",
            IncidentStatus.AWAITING_POLICE: "Awaiting police",
            IncidentStatus.AWAITING_ADVICE: "Awaiting advice",
            IncidentStatus.INTERNAL: "Internal procedures",
            IncidentStatus.MONITORING: "Monitoring",
            IncidentStatus.CLOSED: "Closed",
        }[self]


# Short names for lists and headings; the flowchart's longer labels are for choosing.
INCIDENT_TYPE_NAMES = {
    "nudes": "Nudes or semi-nudes",
    "iioc": "Indecent images",
    "exploitation": "Exploitation or grooming",
    "harassment": "Sexual harassment",
    "cyberbullying": "Cyberbullying",
    "hate": "Online hate",
    "radicalisation": "Radicalisation",
    "filtering": "Filtering breach",
    "staff_misuse": "Staff misuse",
    "pupil_misuse": "Pupil misuse",
    "other_unsuitable": "Other (unsuitable)",
    "other_illegal": "Other (illegal)",
}


def incident_type_name(incident_type: str | None) -> str:
    return INCIDENT_TYPE_NAMES.get(incident_type or "", "Incident")


class PersonRole(StrEnum):
    """A person's part in a case; the flowchart's [roles] says which fit each incident type."""

    TARGET = "target"
    ALLEGED_PERPETRATOR = "alleged_perpetrator"
    SAW_OR_RECEIVED = "saw_or_received"
    WITNESS = "witness"
    REPORTER = "reporter"
    OTHER = "other"

    @property
    def label(self) -> str:
        if self is PersonRole.SAW_OR_RECEIVED:
            return "Saw or received it"
        if self is PersonRole.REPORTER:
            return "Reported it"
        return self.value.replace("_", " ").capitalize()


class RiskCategory(StrEnum):
    """The four Cs of online risk."""

    CONTENT = "content"
    CONTACT = "contact"
    CONDUCT = "conduct"
    COMMERCE = "commerce"


class Location(StrEnum):
    ON_SITE = "on_site"
    OFF_SITE = "off_site"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return {"on_site": "In school", "off_site": "Off site", "online": "Online"}[self.value]


class StepState(StrEnum):
    """The three honest answers to an action step (and one the app gives old records)."""

    DONE = "done"
    TO_DO = "to_do"
    NOT_NEEDED = "not_needed"
    # An old record's step stored as done with no outcome, before the app asked: the DSL
    # confirms it, or marks it to do or not needed.
    UNCONFIRMED = "unconfirmed"

    @property
    def label(self) -> str:
        return {
            StepState.DONE: "Done",
            StepState.TO_DO: "To do",
            StepState.NOT_NEEDED: "Not needed",
            StepState.UNCONFIRMED: "Not confirmed",
        }[self]


@dataclass(frozen=True)
class WalkStep:
    """One step of the flowchart as the DSL answered it.

    A question has its ``choice`` and ``reasons``. An action has a ``state``: done (``done_by``,
    ``done_at`` when it happened if not now, ``outcome``, ``references``), to do (``owner``,
    ``due``) or not needed (``reasons``). Nothing is ever taken as done unless said so."""

    step_id: str
    choice: str | None = None  # the answer, for a question
    reasons: str = ""  # why: for every decision, and for a step not needed
    state: StepState | None = None  # for an action
    done_by: str = ""
    done_at: datetime | None = None  # local time it happened; None: when it was recorded
    outcome: str = ""
    references: tuple[tuple[str, str], ...] = ()  # (kind, value): police crime reference…
    owner: str = ""  # to do: who will do it
    due: date | None = None  # to do: by when
    notes: str = ""

    def reference(self, kind: str) -> str:
        return next((value for k, value in self.references if k == kind), "")


class WalkProblem(ValueError):
    """The steps do not follow the flowchart; the message says where."""


def check_step(step: Step, taken: WalkStep, now: datetime | None = None) -> None:
    """One step's answer is complete and honest; ``now`` (local) bounds when it happened."""
    if step.kind == "question":
        choice = step.choice(taken.choice)
        if choice is None:
            raise WalkProblem(f"{step.title}: choose one of the answers.")
        if step.asks_reasons and not taken.reasons.strip():
            raise WalkProblem(f"{step.title}: write down the reasons for the decision.")
        return
    if taken.choice:
        raise WalkProblem(f"{step.title} is not a question.")
    if step.kind != "action":
        if taken.state is not None:
            raise WalkProblem(f"{step.title} is not something to do.")
        return
    if taken.state is None or taken.state is StepState.UNCONFIRMED:
        raise WalkProblem(f"{step.title}: say whether it is done, to do or not needed.")
    if taken.state is StepState.DONE:
        if not taken.done_by.strip():
            raise WalkProblem(f"{step.title}: say who did it.")
        if not taken.outcome.strip():
            raise WalkProblem(f"{step.title}: say what came of it (the outcome).")
        when = taken.done_at
        if when is not None and when.tzinfo is not None:
            when = when.astimezone().replace(tzinfo=None)  # local wall-clock time, as shown
        if when is not None and now is not None and when > now:
            raise WalkProblem(f"{step.title}: it cannot have been done later than now.")
    elif taken.state is StepState.TO_DO:
        if not taken.owner.strip() or taken.due is None:
            raise WalkProblem(f"{step.title}: say who will do it and by when.")
    elif not taken.reasons.strip():
        raise WalkProblem(f"{step.title}: say why it is not needed.")


def check_walk(chart: Flowchart, walk: list[WalkStep], now: datetime | None = None) -> None:
    """The walk must start at the start, follow the flowchart's arrows and answer each step
    honestly (see :func:`check_step`). It may stop at any step once it has said what the
    concern is about (``people_after``): the rest of the flowchart is carried on later. An
    answer that waits must be the last."""
    if not walk:
        raise WalkProblem("No steps were taken.")
    expected: str | None = chart.start
    for number, taken in enumerate(walk, start=1):
        if expected is None:
            raise WalkProblem(
                f"Step {number} follows an answer that waits: nothing comes after it."
            )
        if taken.step_id != expected:
            raise WalkProblem(
                f"Step {number} is {taken.step_id!r}, but the flowchart goes to {expected!r} next."
            )
        step = chart.step(taken.step_id)
        check_step(step, taken, now)
        if step.kind == "question":
            choice = step.choice(taken.choice)
            assert choice is not None
            expected = choice.next
        elif step.kind == "end":
            if number != len(walk):
                raise WalkProblem(f"{step.title} is the end of the flowchart.")
        else:
            expected = step.next
    if chart.people_after and chart.people_after not in {t.step_id for t in walk}:
        raise WalkProblem(
            f"Answer “{chart.step(chart.people_after).title}” before saving the case."
        )


def incident_type_of(chart: Flowchart, walk: list[WalkStep]) -> tuple[str | None, str | None]:
    """(incident type, branch) chosen on the way, from the choices' labels."""
    kind = branch = None
    for taken in walk:
        choice = chart.step(taken.step_id).choice(taken.choice)
        if choice is not None:
            kind = choice.incident_type or kind
            branch = choice.branch or branch
    return kind, branch


# -- where a case stands ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanStep:
    """A step on the case's path through the flowchart, with its latest answer (None: not
    reached yet, the case's next step)."""

    step: Step
    taken: WalkStep | None

    @property
    def state(self) -> StepState | None:
        if self.taken is None:
            return None
        if self.step.kind == "action":
            return self.taken.state
        return StepState.DONE

    @property
    def outstanding(self) -> bool:
        return self.step.kind == "action" and self.state in (StepState.TO_DO, StepState.UNCONFIRMED)


@dataclass(frozen=True)
class CasePlan:
    """Where a case stands in the flowchart: the path its answers take so far, the step to take
    next (a question still waiting is next), and the steps still to do."""

    path: list[PlanStep] = field(default_factory=list)
    next_step: Step | None = None
    waiting_for: str | None = None  # "police" or "advice": the next question waits for it
    reached_end: bool = False

    @property
    def outstanding(self) -> list[PlanStep]:
        return [p for p in self.path if p.outstanding]

    def can_take(self, step_id: str) -> bool:
        """The next step, or a step still to do (or not confirmed) on the path."""
        if self.next_step is not None and self.next_step.id == step_id:
            return True
        return any(p.step.id == step_id for p in self.outstanding)

    def where(self) -> str:
        """One sentence: what comes next."""
        if self.next_step is not None:
            if self.waiting_for:
                return (
                    f"Waiting for {WAITS[self.waiting_for]}: “{self.next_step.title}” is "
                    "answered when it comes."
                )
            return f"Next: {self.next_step.title}"
        if self.outstanding:
            return "Every step is answered; some are still to do."
        return "The flowchart is complete: monitor, and close the case when ready."

    def closing_problem(self) -> str | None:
        """Why the case cannot close yet, or None."""
        left = self.outstanding
        if left:
            names = "; ".join(
                f"“{p.step.title}” ({p.state.label.lower()})" for p in left if p.state
            )
            return f"These steps are still to do: {names}. Record them done or not needed first."
        if self.next_step is not None:
            return f"The flowchart is not finished: {self.where()}"
        return None


def plan_of(chart: Flowchart, answers: dict[str, WalkStep]) -> CasePlan:
    """The case's plan from the latest answer to each step (a later answer replaces an
    earlier one: a step to do, then done; a question once waiting, then answered)."""
    path: list[PlanStep] = []
    step: Step | None = chart.step(chart.start)
    while step is not None:
        taken = answers.get(step.id)
        if step.kind == "end":  # reached: nothing to answer, the case is monitored
            return CasePlan([*path, PlanStep(step, taken or WalkStep(step.id))], reached_end=True)
        if taken is None:
            return CasePlan(path, next_step=step)
        if step.kind == "question":
            choice = step.choice(taken.choice)
            if choice is None or choice.next is None:
                return CasePlan(path, next_step=step, waiting_for=choice.waits if choice else None)
            path.append(PlanStep(step, taken))
            step = chart.step(choice.next)
            continue
        path.append(PlanStep(step, taken))
        step = chart.step(step.next) if step.next else None
    return CasePlan(path, reached_end=True)


def walk_from_answers(
    chart: Flowchart,
    answers: list[tuple[str, str]],
    details: dict[str, WalkStep] | None = None,
    done_by: str = "",
    *,
    stop_at: str | None = None,
) -> list[WalkStep]:
    """Follow the flowchart from its start: each question takes the choice whose label begins
    with the next answer (with its reasons); other steps take what ``details`` gives for them.
    An action ``details`` does not give is done by ``done_by`` with the outcome "Done" (scripted
    cases: the demo and tests say so explicitly). Stops before ``stop_at``, at an answer that
    waits, or at the end."""
    details = details or {}
    queue = list(answers)
    walk: list[WalkStep] = []
    step = chart.step(chart.start)
    while step.id != stop_at:
        given = details.get(step.id, WalkStep(step.id))
        if step.kind == "question":
            if not queue:
                raise WalkProblem(f"{step.title}: no answer left for this question.")
            prefix, reasons = queue.pop(0)
            choice = next((c for c in step.choices if c.label.startswith(prefix)), None)
            if choice is None:
                raise WalkProblem(f"{step.title}: no answer begins {prefix!r}.")
            walk.append(replace(given, step_id=step.id, choice=choice.label, reasons=reasons))
            if choice.next is None:
                break
            step = chart.step(choice.next)
            continue
        if step.kind == "action" and given.state is None:
            given = replace(given, state=StepState.DONE, done_by=given.done_by or done_by)
            if not given.outcome:
                given = replace(given, outcome="Done")
        walk.append(replace(given, step_id=step.id))
        if step.kind == "end":
            break
        assert step.next is not None
        step = chart.step(step.next)
    if queue:
        raise WalkProblem(f"{len(queue)} answer(s) were not asked for.")
    return walk


# Statuses the plan sets by itself; one the DSL chose (monitoring, closed) is theirs to change.
_AUTOMATIC = (
    IncidentStatus.OPEN,
    IncidentStatus.AWAITING_POLICE,
    IncidentStatus.AWAITING_ADVICE,
    IncidentStatus.INTERNAL,
)


def automatic_status(plan: CasePlan, current: IncidentStatus) -> IncidentStatus:
    """Waiting for the police or for advice while a question waits; the status a step on the
    path sets (the flowchart's ``sets_status``: back to the school's own procedures once the
    police found nothing illegal); otherwise open."""
    if current not in _AUTOMATIC:
        return current
    if plan.waiting_for == "police":
        return IncidentStatus.AWAITING_POLICE
    if plan.waiting_for == "advice":
        return IncidentStatus.AWAITING_ADVICE
    for passed in reversed(plan.path):  # the latest status a step on the path sets
        if passed.step.sets_status:
            return IncidentStatus(passed.step.sets_status)
    return IncidentStatus.OPEN

"""What an incident record is made of, and checking a walk through the flowchart."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from esafety_desktop.domain.flowchart import Flowchart


class IncidentStatus(StrEnum):
    OPEN = "open"
    AWAITING_POLICE = "awaiting_police"
    INTERNAL = "internal_procedures"
    MONITORING = "monitoring"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            IncidentStatus.OPEN: "Open",
            IncidentStatus.AWAITING_POLICE: "Awaiting police",
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
    TARGET = "target"
    ALLEGED_PERPETRATOR = "alleged_perpetrator"
    WITNESS = "witness"
    REPORTER = "reporter"
    OTHER = "other"

    @property
    def label(self) -> str:
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


@dataclass(frozen=True)
class WalkStep:
    """One step of the flowchart as the DSL went through it."""

    step_id: str
    choice: str | None = None  # the answer, for a question
    reasons: str = ""  # why: required for every decision
    done_by: str = ""  # who did it, for an action
    outcome: str = ""
    reference: str = ""  # police crime reference, MASH reference…
    notes: str = ""


class WalkProblem(ValueError):
    """The steps do not follow the flowchart; the message says where."""


def check_walk(chart: Flowchart, walk: list[WalkStep]) -> None:
    """The walk must start at the start, follow the flowchart's arrows, give reasons for every
    decision and reach the step that records the incident in the log."""
    if not walk:
        raise WalkProblem("No steps were taken.")
    expected = chart.start
    for number, taken in enumerate(walk, start=1):
        if taken.step_id != expected:
            raise WalkProblem(
                f"Step {number} is {taken.step_id!r}, but the flowchart goes to {expected!r} next."
            )
        step = chart.step(taken.step_id)
        if step.kind == "question":
            choice = next((c for c in step.choices if c.label == taken.choice), None)
            if choice is None:
                raise WalkProblem(f"{step.title}: choose one of the answers.")
            if step.asks_reasons and not taken.reasons.strip():
                raise WalkProblem(f"{step.title}: write down the reasons for the decision.")
            expected = choice.next
        elif step.kind == "end":
            break
        else:
            if taken.choice:
                raise WalkProblem(f"{step.title} is not a question.")
            if step.kind == "action" and not taken.done_by.strip():
                raise WalkProblem(f"{step.title}: say who did it.")
            assert step.next is not None
            expected = step.next
    if chart.incident_log not in {t.step_id for t in walk}:
        raise WalkProblem("The incident has not reached the step that records it in the log.")


def incident_type_of(chart: Flowchart, walk: list[WalkStep]) -> tuple[str | None, str | None]:
    """(incident type, branch) chosen on the way, from the choices' labels."""
    kind = branch = None
    for taken in walk:
        for choice in chart.step(taken.step_id).choices:
            if choice.label == taken.choice:
                kind = choice.incident_type or kind
                branch = choice.branch or branch
    return kind, branch


def walk_from_answers(
    chart: Flowchart,
    answers: list[tuple[str, str]],
    details: dict[str, WalkStep] | None = None,
    done_by: str = "",
) -> list[WalkStep]:
    """Follow the flowchart from its start: each question takes the choice whose label begins
    with the next answer (with its reasons); other steps take what ``details`` gives for them,
    actions being done by ``done_by`` unless said otherwise. For scripted cases (the demo)."""
    details = details or {}
    queue = list(answers)
    walk: list[WalkStep] = []
    step = chart.step(chart.start)
    while True:
        given = details.get(step.id, WalkStep(step.id))
        if step.kind == "question":
            if not queue:
                raise WalkProblem(f"{step.title}: no answer left for this question.")
            prefix, reasons = queue.pop(0)
            choice = next((c for c in step.choices if c.label.startswith(prefix)), None)
            if choice is None:
                raise WalkProblem(f"{step.title}: no answer begins {prefix!r}.")
            walk.append(replace(given, step_id=step.id, choice=choice.label, reasons=reasons))
            step = chart.step(choice.next)
            continue
        if step.kind == "action" and not given.done_by:
            given = replace(given, done_by=done_by)
        walk.append(replace(given, step_id=step.id))
        if step.kind == "end":
            break
        assert step.next is not None
        step = chart.step(step.next)
    if queue:
        raise WalkProblem(f"{len(queue)} answer(s) were not asked for.")
    return walk

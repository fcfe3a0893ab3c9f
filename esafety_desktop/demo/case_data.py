"""What a demo case is made of, as read from its file: the case, its people, and what happens
to it later (notes, actions, evidence, statuses, sign-offs, reviews, steps carried on)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar

from esafety_desktop.demo.people import PersonKey
from esafety_desktop.domain.device_review import DeviceSiteReview
from esafety_desktop.domain.evidence import EvidenceKind
from esafety_desktop.domain.incidents import (
    IncidentStatus,
    Location,
    PersonRole,
    RiskCategory,
    StepState,
    WalkStep,
)
from esafety_desktop.domain.people import Newcomer
from esafety_desktop.services import incidents

RECORDED_AFTER = timedelta(minutes=20)  # a case is written up this long after it was reported
LATER_AT = time(15, 30)  # what happens later is recorded at this time on its day
LATER_KINDS = ("note", "evidence", "action", "status", "sign_off", "device_review", "step")
DEBRIEF_STEP = "debrief"  # the closing questions ask whether the debrief was held
# What a file may say of a step (a question's answer, an action's state and what goes with it).
STEP_KEYS = (
    "answer",
    "reasons",
    "state",
    "done_by",
    "done_at",
    "outcome",
    "reference",
    "references",
    "owner",
    "due_in",
    "notes",
)
STATES = (StepState.DONE, StepState.TO_DO, StepState.NOT_NEEDED)
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


@dataclass(frozen=True)
class CarryOn:
    """The case carried on through the flowchart on a later day: each step recorded in turn,
    as the case view's "Carry on" would (``through``: and on, as ``usual_steps.toml`` has
    them, to that step; expanded into ``steps`` as the file is read)."""

    day: int
    steps: tuple[WalkStep, ...]
    through: str | None = None


Later = Note | Action | Evidence | Status | SignOff | DeviceReview | CarryOn


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
    # People not on the register (an unknown online person…), each with their role.
    newcomers: list[tuple[Newcomer, PersonRole]] = field(default_factory=list)

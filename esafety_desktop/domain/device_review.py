"""The record of reviewing devices or internet sites: two senior reviewers, one designated
computer, each site or device with the reason for concern, the conclusion and the action."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ACTIONS = ("Internal response", "Local authority involvement", "Police")


class ReviewProblem(ValueError):
    """The review is incomplete; the message says what is missing."""


@dataclass(frozen=True)
class Reviewer:
    name: str
    position: str


@dataclass(frozen=True)
class ReviewedItem:
    address_or_device: str
    concern: str


@dataclass(frozen=True)
class DeviceSiteReview:
    reason: str
    first_reviewer: Reviewer
    second_reviewer: Reviewer
    computer: str  # name and where it is; the same one throughout, never used by pupils
    items: list[ReviewedItem] = field(default_factory=list)
    child_abuse_images_found: bool = False
    conclusion: str = ""
    action: str = ACTIONS[0]
    action_detail: str = ""

    def check(self) -> None:
        if not self.reason.strip():
            raise ReviewProblem("Give the reason for the review.")
        for who in (self.first_reviewer, self.second_reviewer):
            if not who.name.strip() or not who.position.strip():
                raise ReviewProblem("Two senior reviewers are needed, each with name and position.")
        if self.first_reviewer.name.strip().lower() == self.second_reviewer.name.strip().lower():
            raise ReviewProblem("The two reviewers must be different people.")
        if not self.computer.strip():
            raise ReviewProblem("Name the computer used and where it is.")
        if not self.items:
            raise ReviewProblem("List each site or device reviewed, with the reason for concern.")
        if self.child_abuse_images_found and self.action != "Police":
            raise ReviewProblem(
                "Child abuse images were found: stop, isolate the computer and call the police. "
                "The action must be Police."
            )
        if not self.conclusion.strip():
            raise ReviewProblem("Write the group's conclusion: does the concern have substance?")
        if self.action not in ACTIONS:
            raise ReviewProblem(f"Choose one of: {', '.join(ACTIONS)}.")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> DeviceSiteReview:
        return cls(
            reason=raw["reason"],
            first_reviewer=Reviewer(**raw["first_reviewer"]),
            second_reviewer=Reviewer(**raw["second_reviewer"]),
            computer=raw["computer"],
            items=[ReviewedItem(**item) for item in raw["items"]],
            child_abuse_images_found=bool(raw["child_abuse_images_found"]),
            conclusion=raw["conclusion"],
            action=raw["action"],
            action_detail=raw.get("action_detail", ""),
        )


def parse_items(text: str) -> list[ReviewedItem]:
    """One per line: the address or device, then '|' or ' - ', then the reason for concern."""
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        for separator in ("|", " - ", "\t"):
            if separator in line:
                what, why = line.split(separator, 1)
                break
        else:
            raise ReviewProblem(
                f"Line {number}: write the address or device, then | and the reason for concern."
            )
        if not what.strip() or not why.strip():
            raise ReviewProblem(f"Line {number}: both the address and the reason are needed.")
        items.append(ReviewedItem(what.strip(), why.strip()))
    return items

"""Who appears in records: the kinds of people, and how a person is named on screen."""

from __future__ import annotations

from enum import StrEnum


class PersonKind(StrEnum):
    PUPIL = "pupil"
    STAFF = "staff"
    PARENT = "parent"
    VISITOR = "visitor"

    def label(self, pupil_word: str = "pupil") -> str:
        return {
            PersonKind.PUPIL: pupil_word.capitalize(),
            PersonKind.STAFF: "Staff or volunteer",
            PersonKind.PARENT: "Parent or carer",
            PersonKind.VISITOR: "Visitor or community user",
        }[self]


RELATIONSHIPS = (
    "Mother",
    "Father",
    "Step-parent",
    "Grandparent",
    "Carer",
    "Foster carer",
    "Social worker",
    "Other relative",
    "Other",
)


def display_name(forename: str, surname: str, preferred_name: str | None = None) -> str:
    """Full names, never initials; the preferred name shown where it differs."""
    shown = f"{forename} {surname}".strip()
    if preferred_name and preferred_name.strip() and preferred_name.strip() != forename:
        shown += f" (known as {preferred_name.strip()})"
    return shown

"""Who appears in records: the kinds of people, and how a person is named on screen."""

from __future__ import annotations

from dataclasses import dataclass
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


class CasePersonKind(StrEnum):
    """People recorded on a case who are not on the school's register."""

    ONLINE = "online"
    OTHER_PUPIL = "other_pupil"
    FAMILY = "family"

    @property
    def label(self) -> str:
        return {
            CasePersonKind.ONLINE: "Unknown or online person",
            CasePersonKind.OTHER_PUPIL: "Pupil at another school",
            CasePersonKind.FAMILY: "Family member",
        }[self]


@dataclass(frozen=True)
class Newcomer:
    """Someone added to a case from inside the incident wizard. An unknown or online person
    may have no name: what is known of them (usernames, profile addresses, platform,
    approximate age, a description) identifies them. A family member may also be added to the
    register, as a parent or carer, when the DSL chooses."""

    kind: CasePersonKind
    forename: str = ""
    surname: str = ""
    description: str = ""
    online_identities: str = ""  # usernames or profile addresses, one per line
    platform: str = ""
    approximate_age: str = ""
    school: str = ""  # another school's pupil: which school
    relationship: str = ""  # a family member: to whom, and how
    add_to_register: bool = False

    def problem(self) -> str | None:
        """What is missing, in a sentence, or None."""
        named = bool(self.forename.strip() or self.surname.strip())
        if self.kind is CasePersonKind.ONLINE:
            if not (named or self.description.strip() or self.online_identities.strip()):
                return "Give what is known: a username or profile address, or a description."
        elif not (self.forename.strip() and self.surname.strip()):
            return "Give their full name (never initials)."
        elif self.kind is CasePersonKind.OTHER_PUPIL and not self.school.strip():
            return "Say which school they attend."
        elif self.kind is CasePersonKind.FAMILY and not self.relationship.strip():
            return "Say how they are related, and to whom."
        return None

    def name(self) -> str:
        named = f"{self.forename.strip()} {self.surname.strip()}".strip()
        if named:
            return named
        first = next((x.strip() for x in self.online_identities.splitlines() if x.strip()), "")
        seen = first or self.platform.strip()
        return f"Unknown person ({seen})" if seen else "Unknown person"

    def details(self) -> str:
        """One line for lists and the printed record."""
        parts = [
            self.kind.label,
            self.school.strip(),
            self.relationship.strip(),
            f"on {self.platform.strip()}" if self.platform.strip() else "",
            f"age: {self.approximate_age.strip()}" if self.approximate_age.strip() else "",
            ", ".join(x.strip() for x in self.online_identities.splitlines() if x.strip()),
            self.description.strip(),
        ]
        return "; ".join(p for p in parts if p)
